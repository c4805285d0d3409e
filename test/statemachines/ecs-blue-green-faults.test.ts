// Fault injection on the ECS blue/green flow (issue #6, item 6): a step that fails for good or only for a while, a
// hook that never reports, statuses that come twice, late or for another execution, and conditional writes that
// conflict. Whatever the fault, the deployment ends terminal with its cause, its target and hooks closed, the group
// lock released, and with automatic rollback the service back on its original task set alone, with all traffic. The
// cases Lambda shares are in the shared suite; the task sets and AdvanceEcs's faults are this file's.
import type { EcsDeployment } from '../../functions/core/types';
import { ecsDeployment } from '../../functions/steps/deployment-context';
import { type EcsHarness, openEcsHarness, startEcsDeployment } from '../support/ecs-harness';
import { trafficFaultSuite, type TrafficView } from '../support/traffic-fault-suite';

const LINEAR = 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes';
const ALL_AT_ONCE = 'CodeDeployDefault.ECSAllAtOnce';
const RESTORED = 'Traffic restored to task set';

/** The task set serving before the deployment, which a rollback goes back to. */
let originalArn: string;

/** The service's task sets, as "<task definition> <status> <percent of production traffic>". */
async function taskSets(h: EcsHarness): Promise<string[]> {
  const service = await h.runtime.ecsServices.describe('main', 'web');
  return service.taskSets.map((taskSet) => {
    const share = taskSet.trafficWeights.find((w) => w.listenerArn === h.listeners.prod)?.percent ?? 0;
    return `${taskSet.taskDefinition.split('/').pop()} ${taskSet.status} ${share}%`;
  });
}

trafficFaultSuite<EcsHarness, TrafficView & EcsDeployment>({
  name: 'ECS blue/green',
  configs: { linear: LINEAR, allAtOnce: ALL_AT_ONCE },
  steps: { start: 'StartEcsDeployment', finish: 'FinishEcsDeployment' },
  lifecycleEvents: ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'],
  hookFunctions: { BeforeAllowTraffic: 'BeforeAllowTraffic', AfterAllowTraffic: 'AfterAllowTraffic' },
  open: async (options) => {
    const h = await openEcsHarness(options);
    originalArn = (await h.runtime.ecsServices.describe('main', 'web')).taskSets[0].arn;
    return h;
  },
  deploy: async (h, options) => {
    const view = await h.runtime.waitForDeployment(await startEcsDeployment(h, { ...options, autoRollback: true }));
    return { ...ecsDeployment(view), targets: view.targets };
  },
  // One task set with all traffic: the new one after a success, else the original (or, once the original was
  // removed, the only one left).
  expectTraffic: async (h, { status, serving }) => {
    expect(await taskSets(h)).toEqual([`${serving ?? (status === 'Succeeded' ? 'web:2' : 'web:1')} PRIMARY 100%`]);
  },
  expectAllMoved: (view) => expect(view.trafficShifts[view.trafficShifts.length - 1].weights[view.replacementTaskSet!.id]).toBe(100),
  restored: RESTORED,
  // The listeners had 20 % on the replacement, but its record still says 10 %, and the message goes by the record.
  secondShiftConflictRollback: RESTORED,
  titles: { stepFailed: ({ serving }) => `${serving ?? 'web:1'} alone with all traffic`, failed: 'the original task set alone with all traffic' },
  startStepCall: (faults, error, times) => faults.inject('ecs', 'describeService', { error, times }),
  stepFaults: [
    {
      step: 'AdvanceEcs (creating the replacement task set)',
      deploy: { config: ALL_AT_ONCE },
      inject: (faults, error, times) => faults.inject('ecs', 'createTaskSet', { error, times }),
    },
    {
      step: 'AdvanceEcs (the replacement task set created, the answer lost)',
      deploy: { config: ALL_AT_ONCE },
      rollbackMessage: 'production traffic never reached it',
      inject: (faults, error, times) => faults.inject('ecs', 'createTaskSet', { after: true, error, times }),
    },
    {
      step: 'AdvanceEcs (the second production shift, to 20 %)',
      deploy: { config: LINEAR },
      rollbackMessage: RESTORED,
      inject: (faults, error, times) =>
        faults.inject('ecs', 'routeTraffic', { when: (_listener, weights) => weights.some((w) => w.percent === 20), error, times }),
    },
    {
      step: 'AdvanceEcs (making the replacement primary, all traffic moved)',
      deploy: { config: ALL_AT_ONCE },
      rollbackMessage: RESTORED,
      inject: (faults, error, times) => faults.inject('ecs', 'makePrimary', { when: (...args) => args[2] !== originalArn, error, times }),
    },
    {
      step: 'AdvanceEcs (the replacement made primary, the answer lost)',
      deploy: { config: ALL_AT_ONCE },
      rollbackMessage: RESTORED,
      inject: (faults, error, times) => faults.inject('ecs', 'makePrimary', { when: (...args) => args[2] !== originalArn, after: true, error, times }),
    },
    {
      step: 'AdvanceEcs (the original task set removed, the answer lost)',
      deploy: { config: ALL_AT_ONCE },
      // Nothing to give traffic back to: the replacement, all the service has left, keeps it.
      rollbackMessage: 'was already removed, so task set',
      serving: 'web:2',
      inject: (faults, error, times) => faults.inject('ecs', 'deleteTaskSet', { when: (...args) => args[2] === originalArn, after: true, error, times }),
    },
  ],
});
