// A deployment group's CloudWatch alarms, read with DescribeAlarms before every traffic change. Two things of that call
// shape this adapter: without AlarmTypes CloudWatch returns metric alarms only, so a composite alarm named in a group
// would silently read as missing; and names it does not know are left out of the answer rather than refused, so
// every name asked for starts as INSUFFICIENT_DATA (what CodeDeploy makes of an alarm it cannot find).
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmSource, AlarmState } from '../ports';
import { allPages } from './all-pages';
import { withStepErrors } from './retryable-errors';

/** DescribeAlarms takes at most this many AlarmNames per call. */
export const ALARM_NAMES_PER_CALL = 100;

/** Every kind of alarm a group may name; LogAlarm is left out, CodeDeploy does not watch them. */
const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm'] as const;

export interface CloudWatchAlarmSourceOptions {
  readonly client: CloudWatchClient;
}

export class CloudWatchAlarmSource implements AlarmSource {
  private readonly client: CloudWatchClient;

  public constructor(options: CloudWatchAlarmSourceOptions) {
    this.client = options.client;
  }

  /** Throttling and server faults reject as TransientAwsError, which the state machine retries. */
  public states(alarmNames: readonly string[]): Promise<Readonly<Record<string, AlarmState>>> {
    return withStepErrors(async () => {
      const names = [...new Set(alarmNames)];
      const states: Record<string, AlarmState> = Object.fromEntries(names.map((name) => [name, 'INSUFFICIENT_DATA']));
      for (let start = 0; start < names.length; start += ALARM_NAMES_PER_CALL) {
        for (const alarm of await this.describe(names.slice(start, start + ALARM_NAMES_PER_CALL))) {
          if (Object.hasOwn(states, alarm.name) && isAlarmState(alarm.state)) states[alarm.name] = alarm.state;
        }
      }
      return states;
    });
  }

  private describe(alarmNames: readonly string[]): Promise<{ name: string; state: string | undefined }[]> {
    return allPages(async (nextToken) => {
      const response = await this.client.send(
        new DescribeAlarmsCommand({
          AlarmNames: [...alarmNames],
          AlarmTypes: [...ALARM_TYPES],
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      const alarms = [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])];
      return {
        items: alarms.flatMap((alarm) => (alarm.AlarmName === undefined ? [] : [{ name: alarm.AlarmName, state: alarm.StateValue }])),
        nextToken: response.NextToken,
      };
    });
  }
}

function isAlarmState(state: string | undefined): state is AlarmState {
  return state === 'OK' || state === 'ALARM' || state === 'INSUFFICIENT_DATA';
}
