// An SSM status event names only the command and the instance. The command's Comment, fixed when it is sent, names
// the deployment event it runs, so every invocation SSM reports or lists leads back to that event by itself: no
// correlation item to write after SendCommand returns, and so no window in which a fast command's event finds none.
//
//   cutover d-AB1CDEF23 b12 e4 ApplicationStart
//           deployment  batch  event index, event name
import { serverInPlaceEvents } from '../core/lifecycle-order';
import type { ServerLifecycleEventName } from '../core/types';

/** Which deployment event one SSM command runs. */
export interface CommandCorrelation {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly eventIndex: number;
  readonly eventName: ServerLifecycleEventName;
}

/** SendCommand's limit on Comment. */
export const MAX_COMMENT_LENGTH = 100;

// With the traffic events, every event a server deployment has.
const EVENT_NAMES: readonly ServerLifecycleEventName[] = serverInPlaceEvents({ withLoadBalancer: true });

// Deployment ids as functions/core/deployment-ids.ts makes them; batch numbers as wide as the store's BATCH#nnnnnn
// key; event indexes of two digits. The longest comment is then 50 characters, half of what SendCommand allows.
const COMMENT_PATTERN = new RegExp(`^cutover (d-[A-Z0-9]{9}) b(0|[1-9][0-9]{0,5}) e(0|[1-9][0-9]?) (${EVENT_NAMES.join('|')})$`);

/**
 * The Comment for a command that runs this event. Throws for a correlation the parser would not read back exactly:
 * a command whose events Cutover then ignored would leave its hosts to time out.
 */
export function formatCommandComment(correlation: CommandCorrelation): string {
  const comment = `cutover ${correlation.deploymentId} b${correlation.batchNumber} e${correlation.eventIndex} ${correlation.eventName}`;
  const parsed = parseCommandComment(comment);
  if (parsed === undefined || !sameEvent(parsed, correlation)) {
    throw new RangeError(`Cannot name ${JSON.stringify(correlation)} in an SSM command comment`);
  }
  return comment;
}

/** The event a Comment names, or undefined when the command is not one Cutover sent (other tools run commands too). */
export function parseCommandComment(comment: string | undefined): CommandCorrelation | undefined {
  const match = comment === undefined ? null : COMMENT_PATTERN.exec(comment);
  if (match === null) {
    return undefined;
  }
  const [, deploymentId, batchNumber, eventIndex, eventName] = match;
  const knownName = EVENT_NAMES.find((name) => name === eventName);
  if (knownName === undefined) {
    return undefined;
  }
  return { deploymentId, batchNumber: Number(batchNumber), eventIndex: Number(eventIndex), eventName: knownName };
}

/** Whether two correlations name the same deployment event. */
export function sameEvent(a: CommandCorrelation, b: CommandCorrelation): boolean {
  return a.deploymentId === b.deploymentId && a.batchNumber === b.batchNumber && a.eventIndex === b.eventIndex && a.eventName === b.eventName;
}
