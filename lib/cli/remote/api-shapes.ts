// The parts of the API's answers the CLI reads itself (progress, summaries); everything else is printed as it comes.

export interface DeploymentInfo {
  readonly deploymentId: string;
  readonly applicationName?: string;
  readonly deploymentGroupName?: string;
  readonly deploymentConfigName?: string;
  readonly computePlatform?: string;
  readonly status: string;
  readonly creator?: string;
  readonly autoRollbackConfiguration?: { readonly enabled?: boolean; readonly events?: readonly string[] };
  readonly deploymentOverview?: Readonly<Record<string, number>>;
  readonly errorInformation?: { readonly code?: string; readonly message?: string };
  readonly rollbackInfo?: {
    readonly rollbackDeploymentId?: string;
    readonly rollbackTriggeringDeploymentId?: string;
    readonly rollbackMessage?: string;
  };
  /** Its place in its group's arrival order, when admitted by queue or supersede. */
  readonly queuePosition?: number;
  /** Lambda and ECS: every change of the traffic so far, oldest first, and the next one while it waits. */
  readonly trafficShifts?: readonly TrafficShift[];
  readonly nextShift?: TrafficShift;
}

/** Percent of the traffic per Lambda function version or ECS task set, from a time on. */
export interface TrafficShift {
  readonly time: string;
  readonly weights: Readonly<Record<string, number>>;
}

/** A Lambda or ECS deployment, which shifts traffic to one target rather than deploying to hosts in batches. */
export function shiftsTraffic(d: DeploymentInfo): boolean {
  return d.computePlatform === 'Lambda' || d.computePlatform === 'ECS';
}

export interface LifecycleEventInfo {
  readonly lifecycleEventName: string;
  readonly status: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly diagnostics?: { readonly errorCode?: string; readonly message?: string; readonly scriptName?: string };
}

/** What the CLI reads of any target: an InstanceTarget's host, a LambdaTarget's alias, an ECSTarget's service. */
export interface InstanceTargetInfo {
  readonly targetId: string;
  readonly status: string;
  readonly lifecycleEvents?: readonly LifecycleEventInfo[];
  /** The batch the host was deployed in, when the API says; otherwise inferred (batch-inference.ts). */
  readonly batchNumber?: number;
}

export const TERMINAL_STATUSES: readonly string[] = ['Succeeded', 'Failed', 'Stopped'];
export const FINISHED_TARGET_STATUSES: readonly string[] = ['Succeeded', 'Failed', 'Skipped'];
