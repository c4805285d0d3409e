// CloudWatch's "CloudWatch Alarm State Change" events, which CloudWatch sends to the default bus for every alarm of the
// account without any setup (the rule in lib/infra/aws-event-rules.ts forwards them here). An alarm going to ALARM stops
// every deployment that watches it at once, instead of at its next alarm check.
import { z } from 'zod';
import type { AlarmState, StepDependencies } from '../ports';
import { alarmStateChanged } from '../steps/alarm-state-changed';
import { parseStepInput } from '../steps/step-inputs';
import { withStepErrors } from './retryable-errors';

/** What the EventBridge rule matches; the schema below holds every event to the same two fields. */
export const ALARM_STATE_CHANGE_SOURCE = 'aws.cloudwatch';
export const ALARM_STATE_CHANGE_DETAIL_TYPE = 'CloudWatch Alarm State Change';

const alarmStateChangeEvent = z.object({
  source: z.literal(ALARM_STATE_CHANGE_SOURCE),
  'detail-type': z.literal(ALARM_STATE_CHANGE_DETAIL_TYPE),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({ value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA'] satisfies AlarmState[]) }),
  }),
});

export interface AlarmStateChange {
  readonly alarmName: string;
  readonly state: AlarmState;
}

/** The alarm and its new state; ValidationError naming each field for anything else. */
export function parseAlarmStateChange(event: unknown): AlarmStateChange {
  const { detail } = parseStepInput(alarmStateChangeEvent, event, 'alarm-event');
  return { alarmName: detail.alarmName, state: detail.state.value };
}

export interface AlarmEventOutcome extends AlarmStateChange {
  /** The deployments this change stopped. */
  readonly stopped: readonly string[];
}

/**
 * The handler of the alarm rule. Throttling rejects as TransientAwsError, so Lambda's asynchronous retry delivers the
 * event again; the alarm checks between batches and before each shift catch an event lost for good.
 */
export function alarmEventHandler(deps: StepDependencies): (event: unknown) => Promise<AlarmEventOutcome> {
  return (event) =>
    withStepErrors(async () => {
      const change = parseAlarmStateChange(event);
      return { ...change, stopped: await alarmStateChanged(deps, change.alarmName, change.state) };
    });
}
