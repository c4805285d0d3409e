// Live progress of local deployments: one line when a deployment starts or ends, per batch, and per host result.
import type { StateChange } from '../../functions/ports';
import { deploymentHeadline, describeTarget } from './deployment-summary';

export function progressPrinter(out: NodeJS.WritableStream): (change: StateChange) => void {
  return (change) => {
    switch (change.kind) {
      case 'deployment': {
        const d = change.deployment;
        if (d.status === 'Created') {
          const why = d.creator === 'codeDeployRollback' ? ` (automatic rollback of ${d.rollbackInfo?.rollbackTriggeringDeploymentId})` : '';
          out.write(`\nDeployment ${d.deploymentId} created${why}: ${d.applicationName}/${d.deploymentGroupName}, ${d.deploymentConfigName}\n`);
        } else if (d.status === 'InProgress') {
          const hosts = Object.values(d.deploymentOverview).reduce((a, b) => a + b, 0);
          out.write(`Deployment ${d.deploymentId} in progress on ${hosts} host(s)\n`);
        } else if (d.status === 'Succeeded' || d.status === 'Failed' || d.status === 'Stopped') {
          if (d.rollbackInfo?.rollbackMessage && d.completeTime && d.creator !== 'codeDeployRollback') {
            out.write(`${d.deploymentId}: ${d.rollbackInfo.rollbackMessage}\n`);
            return;
          }
          out.write(`${deploymentHeadline(d)}\n`);
          if (d.errorInformation) out.write(`  ${d.errorInformation.code}: ${d.errorInformation.message}\n`);
        }
        return;
      }
      case 'batch':
        out.write(`  Batch ${change.batchNumber}: ${change.targetIds.join(', ')}\n`);
        return;
      case 'target': {
        const t = change.target;
        if (t.status === 'Succeeded' || t.status === 'Failed' || t.status === 'Skipped') {
          out.write(describeTarget(t).map((l) => `    ${l}\n`).join(''));
        }
        return;
      }
    }
  };
}
