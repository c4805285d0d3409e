// What Lambda and ECS deployments share in their course: the cursor their state machines follow, and when the next
// traffic shift of the schedule is due. Each platform decides its own order of events on top of these.
import type { DeploymentTarget, LifecycleEvent, LifecycleEventName, NextTrafficShift, TrafficDeployment, TrafficShiftState } from './types';

/** Hook events of Lambda and ECS deployments: a function is invoked and reports through the API. */
export const HOOK_EVENT_NAMES = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;
export type HookEventName = (typeof HOOK_EVENT_NAMES)[number];

/**
 * Where the execution goes next. Every field is always present because the ASL's ResultSelector reads all four.
 * hook: run `event`'s function and wait for its status. advance: the next step that changes something (a shift, a
 * task set, a listener). wait: a task-token wait of `waitSeconds` that a continue, a stop or an alarm can end early.
 * poll: a plain Wait of `waitSeconds`, then advance again (ECS stability and health). finish: the last step.
 * `shiftsDone` is how many shifts were made when the cursor was decided: the advance step shifts only while the
 * record still says so, so a retried step whose first attempt made the shift waits for the next one instead.
 */
export interface TrafficCursor {
  readonly action: 'hook' | 'advance' | 'wait' | 'poll' | 'finish';
  readonly event: HookEventName | '';
  readonly waitSeconds: number;
  readonly shiftsDone: number;
}

type Shifted = Pick<TrafficShiftState, 'shiftsDone'>;

export function advanceCursor({ shiftsDone }: Shifted): TrafficCursor {
  return { action: 'advance', event: '', waitSeconds: 0, shiftsDone };
}

export function finishCursor({ shiftsDone }: Shifted): TrafficCursor {
  return { action: 'finish', event: '', waitSeconds: 0, shiftsDone };
}

export function hookCursor(event: HookEventName, { shiftsDone }: Shifted): TrafficCursor {
  return { action: 'hook', event, waitSeconds: 0, shiftsDone };
}

export function pollCursor(waitSeconds: number, { shiftsDone }: Shifted): TrafficCursor {
  return { action: 'poll', event: '', waitSeconds, shiftsDone };
}

/** Index of the schedule step the next shift makes: the last one once a continue skipped the waits. */
export function nextShiftIndex(state: Pick<TrafficShiftState, 'schedule' | 'shiftsDone' | 'continueRequested'>): number {
  return state.continueRequested ? state.schedule.length - 1 : state.shiftsDone;
}

/**
 * When a shift is due: the schedule's interval after the shift before it. Counting from the previous shift rather
 * than the first lets the embedded runtime's --time-scale shorten every wait alike (its clock is the real one).
 */
export function shiftDueAt(state: Pick<TrafficShiftState, 'schedule' | 'trafficShifts'>, index: number): Date | undefined {
  const previous = state.trafficShifts[state.trafficShifts.length - 1];
  if (previous === undefined || index === 0) return undefined;
  const intervalSeconds = state.schedule[index].atSeconds - state.schedule[index - 1].atSeconds;
  return new Date(Date.parse(previous.time) + intervalSeconds * 1000);
}

/** The next shift now, or the wait until it is due. */
export function shiftCursor(state: TrafficShiftState, now: Date): TrafficCursor {
  return waitOrAdvance(state.continueRequested ? undefined : shiftDueAt(state, nextShiftIndex(state)), now, state);
}

/** A wait until `due`, or advance when nothing is due or it is already past. */
export function waitOrAdvance(due: Date | undefined, now: Date, state: Shifted): TrafficCursor {
  const waitSeconds = due === undefined ? 0 : Math.ceil((due.getTime() - now.getTime()) / 1000);
  return waitSeconds > 0 ? { action: 'wait', event: '', waitSeconds, shiftsDone: state.shiftsDone } : advanceCursor(state);
}

/** The shift a running deployment waits for, for its record; none once every step is done. */
export function upcomingShift(state: TrafficShiftState, weightsAt: (percent: number) => Record<string, number>): NextTrafficShift | undefined {
  if (state.shiftsDone >= state.schedule.length) return undefined;
  const index = nextShiftIndex(state);
  const due = shiftDueAt(state, index);
  if (due === undefined) return undefined;
  return { time: due.toISOString(), weights: weightsAt(state.schedule[index].weight) };
}

export function eventOf(target: DeploymentTarget, name: LifecycleEventName): LifecycleEvent | undefined {
  return target.lifecycleEvents.find((e) => e.lifecycleEventName === name);
}

/** Done: Succeeded, Failed or Skipped. */
export function eventDone(target: DeploymentTarget, name: LifecycleEventName): boolean {
  const event = eventOf(target, name);
  return event !== undefined && event.status !== 'Pending' && event.status !== 'InProgress';
}

/** A target's events at the start: hook events the appspec names no function for, and `skipped` ones, are Skipped. */
export function initialEvents(
  names: readonly LifecycleEventName[],
  hooks: Readonly<Partial<Record<string, string>>>,
  hookEvents: readonly string[],
  skipped: readonly LifecycleEventName[] = [],
): LifecycleEvent[] {
  return names.map((lifecycleEventName) => ({
    lifecycleEventName,
    status: skipped.includes(lifecycleEventName) || (hookEvents.includes(lifecycleEventName) && hooks[lifecycleEventName] === undefined) ? 'Skipped' : 'Pending',
  }));
}

/** An ECS deployment that made every shift waits only for its original task set's removal. */
export function isTerminationWait(deployment: TrafficDeployment): boolean {
  return deployment.computePlatform === 'ECS' && deployment.shiftsDone >= deployment.schedule.length;
}

/** Whether ContinueDeployment ended the kind of wait the deployment is in now. */
export function waitContinued(deployment: TrafficDeployment): boolean {
  return isTerminationWait(deployment) ? deployment.computePlatform === 'ECS' && deployment.terminationContinued !== undefined : deployment.continueRequested !== undefined;
}
