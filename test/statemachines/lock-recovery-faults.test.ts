// Fault injection on lock recovery (issue #6, items 5 and 6): an execution that dies without finishing its deployment
// (its finish step failing for good, say) leaves the group's lock behind. The next CreateDeployment for the group, or
// the scheduled sweep, finishes the dead deployment's job with the platform's own finish step: terminal status with the
// abandonment as its cause, targets and hooks closed, traffic given back, the group's outcome recorded, the rollback its
// policy asks for, and the lock released or handed to that rollback.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeploymentGroupBusyError } from '../../functions/core/errors';
import { TERMINAL_DEPLOYMENT_STATUSES, type DeploymentSummary, type DeploymentView } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { loggingBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { FaultInjector, permanentError, UNDER_FAULT } from '../support/fault-injection';
import { hooksStillPending, leftOpen } from '../support/fault-outcomes';
import { type LambdaHarness, openLambdaHarness, startLambdaDeployment } from '../support/lambda-harness';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2'];
const ABANDONED = /^The deployment was abandoned: its execution \S+ is no longer running \(it crashed, timed out or was stopped outside Cutover\), so lock recovery finished it$/;

let h: Harness | LambdaHarness;
let faults: FaultInjector;
afterEach(async () => h.runtime.close());

function request(label: string): LocalDeployRequest {
  return deployRequest(loggingBundle(path.join(h.dir, label), label), { hosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
}

/** Every group outcome the steps record, in order, as "<deployment id> <status>". */
function recordOutcomes(): string[] {
  const recorded: string[] = [];
  faults.inject('store', 'recordGroupOutcome', {
    answer: (result, _app, _group, outcome) => {
      const attempt: DeploymentSummary = outcome.lastAttemptedDeployment;
      recorded.push(`${attempt.deploymentId} ${attempt.status}`);
      return result;
    },
  });
  return recorded;
}

describe('lock recovery faults', () => {
  describe('Server', () => {
    beforeEach(async () => {
      faults = new FaultInjector();
      h = await openHarness({ decorate: faults.decorate });
      expect((await deployLocally(h.runtime, request('v1'))).status).toBe('Succeeded');
    });

    /**
     * v2 (automatic rollback on failure) whose FinishDeployment fails for good: its status write throws a non-transient
     * error on every attempt while `down.now` holds. Returns v2 as the dead execution left it.
     */
    async function deployWithDeadFinish(down: { now: boolean }): Promise<DeploymentView> {
      faults.inject('store', 'updateDeployment', {
        when: async (id, changes) =>
          down.now && changes.status !== undefined && TERMINAL_DEPLOYMENT_STATUSES.includes(changes.status) && (await faults.subject(id)),
        error: () => permanentError('the status write of FinishDeployment'),
      });
      const dead = await deployLocally(h.runtime, { ...request('v2'), autoRollback: true, description: UNDER_FAULT });
      expect((await h.runtime.executionOutcome(dead.deploymentId))?.status).toBe('FAILED');
      expect(dead.status).toBe('InProgress');
      expect((await h.runtime.store.getGroupLock(dead.deploymentGroupId))?.deploymentId).toBe(dead.deploymentId);
      return dead;
    }

    it('fault: FinishDeployment fails for good: the next CreateDeployment finishes it, rolls back, and is refused naming the rollback', async () => {
      const down = { now: true };
      const outcomes = recordOutcomes();
      const dead = await deployWithDeadFinish(down);
      down.now = false;

      const refused = await deployLocally(h.runtime, request('v3')).catch((error: unknown) => error);

      expect(refused).toBeInstanceOf(DeploymentGroupBusyError);
      const rollbackId = (refused as DeploymentGroupBusyError).activeDeploymentId;
      expect(rollbackId).not.toBe(dead.deploymentId);
      const ended = await h.runtime.waitForDeployment(dead.deploymentId);
      expect(ended.status).toBe('Failed');
      expect(ended.errorInformation).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringMatching(ABANDONED) });
      expect(leftOpen(ended)).toEqual([]);
      expect(ended.rollbackInfo).toEqual({ rollbackDeploymentId: rollbackId, rollbackMessage: `Automatic rollback succeeded: deployment ${rollbackId}` });
      expect(await h.runtime.view(rollbackId)).toMatchObject({ creator: 'codeDeployRollback', status: 'Succeeded' });
      for (const host of HOSTS) expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
      // Since v1: the dead v2 (recorded once, by recovery), then its rollback.
      expect(outcomes).toEqual([`${dead.deploymentId} Failed`, `${rollbackId} Succeeded`]);
      expect(await h.runtime.store.getGroupLock(dead.deploymentGroupId)).toBeUndefined();

      expect((await deployLocally(h.runtime, request('v3'))).status).toBe('Succeeded');
    });

    it('fault: the finish step fails for good during recovery too: the deployment is failed as abandoned and the group freed', async () => {
      const down = { now: true };
      const dead = await deployWithDeadFinish(down);
      // Lifted for the status write, but the finish step now fails on the host records it writes first.
      down.now = false;
      faults.inject('store', 'putHostRecords', { when: (records) => records.length > 0, error: () => permanentError('host records') });

      const summary = await h.runtime.sweepLocks();

      expect(summary).toEqual({
        groupsChecked: 1,
        recovered: [dead.deploymentId],
        requeued: [],
        finishFailures: [{ deploymentId: dead.deploymentId, error: 'AccessDeniedException: injected: host records' }],
        errors: [],
      });
      const failed = await h.runtime.view(dead.deploymentId);
      expect(failed.status).toBe('Failed');
      expect(failed.errorInformation?.code).toBe('INTERNAL_ERROR');
      expect(failed.errorInformation?.message).toMatch(
        /^The deployment was abandoned: its execution \S+ is no longer running .*, and finishing it failed \(AccessDeniedException: injected: host records\), so lock recovery failed it and freed the group$/,
      );
      expect(leftOpen(failed)).toEqual([]);
      expect(await h.runtime.store.getGroupLock(dead.deploymentGroupId)).toBeUndefined();
    });
  });

  describe('Lambda', () => {
    it('fault: an execution dies with the alias at 30 %: the sweep finishes it and puts the alias back on the current version', async () => {
      faults = new FaultInjector();
      const lambda = await openLambdaHarness({ timeScale: 600, decorate: faults.decorate });
      h = lambda;
      // From the moment the alias takes 30 %, the deployment's writes and its finish step's first reads fail for good:
      // the execution fails without giving traffic back.
      const down = { now: false };
      lambda.runtime.events.subscribe((change: StateChange) => {
        if (change.kind === 'traffic' && change.shift.weights['2'] === 30) down.now = true;
      });
      // The only deployment of the test: no need to tell it from others.
      const dying = (): boolean => down.now;
      faults.inject('store', 'updateDeployment', { when: dying, error: () => permanentError('the execution died') });
      faults.inject('store', 'getHookExecution', { when: dying, error: () => permanentError('the execution died') });
      const outcomes = recordOutcomes();

      const deploymentId = await startLambdaDeployment(lambda, { config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
      expect((await lambda.runtime.executionOutcome(deploymentId))?.status).toBe('FAILED');
      expect(await lambda.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: { '2': 30 } });
      const { deploymentGroupId } = await lambda.runtime.view(deploymentId);
      expect((await lambda.runtime.store.getGroupLock(deploymentGroupId))?.deploymentId).toBe(deploymentId);
      down.now = false;

      expect(await lambda.runtime.sweepLocks()).toEqual({ groupsChecked: 1, recovered: [deploymentId], requeued: [], finishFailures: [], errors: [] });

      expect(await lambda.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
      const view = await lambda.runtime.view(deploymentId);
      expect(view.status).toBe('Failed');
      expect(view.errorInformation).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringMatching(ABANDONED) });
      expect(lambdaDeployment(view).trafficShifts.map((shift) => shift.weights['2'] ?? 0)).toEqual([10, 20, 30, 0]);
      expect(view.rollbackInfo?.rollbackMessage).toMatch(/^Traffic restored to version 1: alias fn:live serves it alone again \(it had 30% on version 2\)$/);
      expect(leftOpen(view)).toEqual([]);
      expect(await hooksStillPending(lambda.runtime, deploymentId)).toEqual([]);
      expect(outcomes).toEqual([`${deploymentId} Failed`]);
      expect(await lambda.runtime.store.getGroupLock(deploymentGroupId)).toBeUndefined();

      // Nothing left to recover: a second sweep changes nothing.
      expect(await lambda.runtime.sweepLocks()).toEqual({ groupsChecked: 1, recovered: [], requeued: [], finishFailures: [], errors: [] });
      expect(await lambda.runtime.view(deploymentId)).toEqual(view);
    });
  });
});
