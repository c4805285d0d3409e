// ContinueDeployment on a traffic deployment, one call at a time against the real store: which wait it ends.
import type { StepDependencies, TaskCallbacks } from '../../../functions/ports';
import { continueTrafficShift } from '../../../functions/steps/traffic/traffic-wait-control';
import { type Harness, openHarness } from '../../support/local-runtime-harness';
import { ecsRecord } from '../../support/traffic-records';

const DEPLOYMENT_ID = 'd-CONTINUE1';

let h: Harness;
let deps: StepDependencies;
let resumed: string[];

/** An ECS deployment past its last shift, waiting (token `t-1`) to remove its original task set. */
async function inTerminationWait(): Promise<void> {
  await h.runtime.store.createDeployment(
    ecsRecord({
      deploymentId: DEPLOYMENT_ID,
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      appSpec: { taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2', containerName: 'web', containerPort: 80, hooks: {} },
      targetGroupPair: { targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: ['prod'] } },
      terminationWaitMinutes: 60,
      schedule: [{ atSeconds: 0, weight: 100 }],
      shiftsDone: 1,
      trafficShifts: [{ time: new Date().toISOString(), weights: { 'ecs-svc/2': 100 } }],
      currentWait: { kind: 'shift', taskToken: 't-1' },
    }),
  );
}

beforeEach(async () => {
  h = await openHarness();
  resumed = [];
  const callbacks: TaskCallbacks = { succeed: async (token) => void resumed.push(token), fail: async () => undefined };
  deps = { ...h.runtime.deps, callbacks };
  await inTerminationWait();
});
afterEach(async () => h.runtime.close());

it.each([
  [undefined, true],
  ['TERMINATION_WAIT', true],
  ['READY_WAIT', false],
] as const)('with wait type %s during the termination wait, ends it: %s', async (waitType, ends) => {
  await continueTrafficShift(deps, { deploymentId: DEPLOYMENT_ID }, waitType);

  const after = await h.runtime.store.getDeployment(DEPLOYMENT_ID);
  expect(after?.computePlatform === 'ECS' && after.terminationContinued !== undefined).toBe(ends);
  expect(resumed).toEqual(ends ? ['t-1'] : []);
});
