// Live progress of local deployments: one line when a deployment starts or ends, per batch, and per host result; for
// a Lambda or ECS deployment, per lifecycle event and per traffic shift.
import type { TrafficDeployment } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { deploymentHeadline, describeShift, describeTarget, trafficEventName, trafficMove } from './deployment-summary';

const ENDED = ['Succeeded', 'Failed', 'Skipped'];

export function progressPrinter(out: NodeJS.WritableStream): (change: StateChange) => void {
  // Lambda and ECS deployments seen so far (their hooks name the events, an ECS one's original task set labels the
  // shifts), and the events already told of.
  const traffic = new Map<string, TrafficDeployment>();
  const told = new Set<string>();
  return (change) => {
    switch (change.kind) {
      case 'deployment': {
        const d = change.deployment;
        if (d.computePlatform !== 'Server') traffic.set(d.deploymentId, d);
        if (d.status === 'Queued') {
          out.write(`\nDeployment ${d.deploymentId} queued in ${d.applicationName}/${d.deploymentGroupName} (arrival ${d.queuePosition ?? '?'}): it starts once the deployments before it have ended\n`);
        } else if (d.status === 'Created') {
          const why = d.creator === 'codeDeployRollback' ? ` (automatic rollback of ${d.rollbackInfo?.rollbackTriggeringDeploymentId})` : '';
          out.write(`\nDeployment ${d.deploymentId} created${why}: ${d.applicationName}/${d.deploymentGroupName}, ${d.deploymentConfigName}\n`);
        } else if (d.status === 'InProgress' && d.computePlatform !== 'Server') {
          out.write(`Deployment ${d.deploymentId} in progress: ${trafficMove(d)}\n`);
        } else if (d.status === 'InProgress') {
          const hosts = Object.values(d.deploymentOverview).reduce((a, b) => a + b, 0);
          out.write(`Deployment ${d.deploymentId} in progress on ${hosts} host(s)\n`);
        } else if (d.status === 'Succeeded' || d.status === 'Failed' || d.status === 'Stopped') {
          // A server deployment's record gains the message once its rollback deployment has run; a Lambda or ECS one
          // has it from the end, where it says how traffic was given back.
          if (d.computePlatform === 'Server' && d.rollbackInfo?.rollbackMessage && d.completeTime && d.creator !== 'codeDeployRollback') {
            out.write(`${d.deploymentId}: ${d.rollbackInfo.rollbackMessage}\n`);
            return;
          }
          out.write(`${deploymentHeadline(d)}\n`);
          if (d.errorInformation) out.write(`  ${d.errorInformation.code}: ${d.errorInformation.message}\n`);
          if (d.computePlatform !== 'Server' && d.rollbackInfo?.rollbackMessage) out.write(`  ${d.rollbackInfo.rollbackMessage}\n`);
        }
        return;
      }
      case 'batch':
        out.write(`  Batch ${change.batchNumber}: ${change.targetIds.join(', ')}\n`);
        return;
      case 'traffic':
        out.write(`  Traffic: ${describeShift(traffic.get(change.deploymentId), change.shift.weights)}\n`);
        return;
      case 'target': {
        const t = change.target;
        const d = traffic.get(change.deploymentId);
        if (d) {
          for (const event of t.lifecycleEvents) {
            const key = `${change.deploymentId} ${event.lifecycleEventName}`;
            if (!ENDED.includes(event.status) || told.has(key)) continue;
            told.add(key);
            out.write(`  ${trafficEventName(d, event)}: ${event.status}\n`);
          }
        }
        if (ENDED.includes(t.status)) {
          out.write(describeTarget(t).map((l) => `    ${l}\n`).join(''));
        }
        return;
      }
    }
  };
}
