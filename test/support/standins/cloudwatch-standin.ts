// CloudWatch alarms on loopback (awsJson1_0, as the SDK speaks to CloudWatch now): DescribeAlarms by name and type,
// and the "CloudWatch Alarm State Change" event CloudWatch puts on the default bus whenever an alarm changes state.
import { startAwsJsonServer } from './aws-json-server';
import { type EventBridgeStandIn, isoSeconds } from './eventbridge-standin';
import type { LoopbackServer } from './loopback-server';

export type StandInAlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

interface StandInAlarm {
  readonly type: 'MetricAlarm' | 'CompositeAlarm';
  state: StandInAlarmState;
}

export interface CloudWatchStandInOptions {
  readonly account: string;
  readonly region: string;
  /** Where state changes are announced: the default bus. */
  readonly events: EventBridgeStandIn;
}

export class CloudWatchStandIn {
  /** Every DescribeAlarms request, as sent. */
  public readonly describeRequests: Record<string, unknown>[] = [];
  private readonly alarms = new Map<string, StandInAlarm>();

  private constructor(
    private readonly options: CloudWatchStandInOptions,
    private readonly server: LoopbackServer,
  ) {}

  public static async start(options: CloudWatchStandInOptions): Promise<CloudWatchStandIn> {
    let cloudwatch: CloudWatchStandIn | undefined;
    const server = await startAwsJsonServer({
      targetPrefix: 'GraniteServiceVersion20100801',
      protocol: '1.0',
      operations: { DescribeAlarms: (input) => (cloudwatch as CloudWatchStandIn).describeAlarms(input) },
    });
    cloudwatch = new CloudWatchStandIn(options, server);
    return cloudwatch;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** Creates the alarm, or changes its state; a change goes to the bus as CloudWatch sends it. */
  public setAlarm(alarmName: string, state: StandInAlarmState, type: StandInAlarm['type'] = 'MetricAlarm'): void {
    const alarm = this.alarms.get(alarmName);
    const previous = alarm?.state ?? 'INSUFFICIENT_DATA';
    if (alarm === undefined) this.alarms.set(alarmName, { type, state });
    else alarm.state = state;
    if (previous === state) return;
    const now = new Date();
    this.options.events.publish({
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      time: isoSeconds(now),
      resources: [`arn:aws:cloudwatch:${this.options.region}:${this.options.account}:alarm:${alarmName}`],
      detail: {
        alarmName,
        previousState: { value: previous, reason: 'Stand-in', timestamp: cloudwatchTimestamp(now) },
        state: { value: state, reason: 'Stand-in', timestamp: cloudwatchTimestamp(now) },
      },
    });
  }

  public async close(): Promise<void> {
    await this.server.close();
  }

  // Names it does not know are left out; without AlarmTypes only metric alarms come back.
  private describeAlarms(input: Record<string, unknown>): unknown {
    this.describeRequests.push(input);
    const names = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : [...this.alarms.keys()];
    const types = Array.isArray(input.AlarmTypes) ? (input.AlarmTypes as string[]) : ['MetricAlarm'];
    const found = names.flatMap((name) => {
      const alarm = this.alarms.get(name);
      return alarm === undefined || !types.includes(alarm.type) ? [] : [{ name, ...alarm }];
    });
    const output = (type: StandInAlarm['type']) =>
      found.filter((alarm) => alarm.type === type).map((alarm) => ({ AlarmName: alarm.name, StateValue: alarm.state }));
    return { MetricAlarms: output('MetricAlarm'), CompositeAlarms: output('CompositeAlarm') };
  }
}

/** CloudWatch's event timestamps: ISO 8601 with milliseconds and `+0000`, not `Z`. */
function cloudwatchTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
