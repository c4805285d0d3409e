// Every step the state machine can call, by the name that the ASL's FunctionName placeholders stand for.
import type { StepDependencies } from '../ports';
import { checkTraffic } from './check-traffic';
import { finishDeployment } from './finish-deployment';
import { handleEventTimeout } from './handle-event-timeout';
import { planNextBatch } from './plan-next-batch';
import { runLifecycleEvent } from './run-lifecycle-event';
import { startDeployment } from './start-deployment';

export type Step = (deps: StepDependencies, input: unknown) => Promise<unknown>;

/** ASL substitution name → step. The CDK stack maps the same names to Lambda ARNs. */
export const STATE_MACHINE_STEPS: Readonly<Record<string, Step>> = {
  StartDeploymentFunctionArn: startDeployment,
  PlanNextBatchFunctionArn: planNextBatch,
  RunLifecycleEventFunctionArn: runLifecycleEvent,
  HandleEventTimeoutFunctionArn: handleEventTimeout,
  FinishDeploymentFunctionArn: finishDeployment,
  CheckTrafficFunctionArn: checkTraffic,
};
