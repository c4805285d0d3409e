// After a Wait state: looks again at the batch's BlockTraffic or AllowTraffic change. Done, the batch goes on with
// its next event; not yet, the execution waits again; out of time, the hosts the load balancer never finished with
// fail the event and the batch goes on with the others. An alarm in ALARM (recorded by its event, or found by the
// poll each look makes) ends the deployment instead.
import type { StepDependencies } from '../ports';
import { checkAlarms } from './alarm-check';
import { refuseIfAlarmStopped } from './alarm-stop';
import { loadBatch, loadBatchTargets, loadGroup, loadServerDeployment } from './deployment-context';
import { type Cursor, cursorInput, parseStepInput } from './step-inputs';
import { checkTrafficEvent } from './traffic-events';
import { cursorAfterEvent, isActive } from './target-updates';

export async function checkTraffic(deps: StepDependencies, raw: unknown): Promise<Cursor & { readonly waitSeconds: number }> {
  const input = parseStepInput(cursorInput, raw, 'check-traffic');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, input.deploymentId);
  refuseIfAlarmStopped(deployment);
  const batch = await loadBatch(store, input.deploymentId, input.batchNumber);
  let targets = await loadBatchTargets(store, batch);
  const waiting = targets.filter((t) => isActive(t) && t.lifecycleEvents[input.eventIndex]?.status === 'InProgress');
  // A retried check may find the event already settled by the attempt before it: nothing is waiting then.
  if (waiting.length > 0) {
    // Each look is a poll too: a load balancer wait can last an hour, and an alarm that fires meanwhile stops it.
    await checkAlarms(deps, deployment, await loadGroup(store, deployment));
    const step = await checkTrafficEvent(deps, deployment, batch.batchNumber, input.eventIndex, waiting);
    if (step.waitSeconds !== undefined) {
      return { action: 'traffic', batchNumber: batch.batchNumber, eventIndex: input.eventIndex, waitSeconds: step.waitSeconds };
    }
    targets = targets.map((t) => step.changed.find((u) => u.targetId === t.targetId) ?? t);
  }
  return { ...cursorAfterEvent(targets, batch.batchNumber, input.eventIndex), waitSeconds: 0 };
}
