// Fault injection on the Lambda traffic-shift flow (issue #6, item 6): a step that fails for good or only for a
// while, a hook that never reports, statuses that come twice, late or for another execution, and conditional writes
// that conflict. Whatever the fault, the deployment ends terminal with its cause, its target and hooks closed, the
// group lock released, and with automatic rollback the alias back on CurrentVersion alone. The cases ECS shares are in
// the shared suite; the alias, its versions and ShiftAlias's fault are this file's.
import type { LambdaDeployment } from '../../functions/core/types';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import { type LambdaHarness, openLambdaHarness, startLambdaDeployment } from '../support/lambda-harness';
import { trafficFaultSuite, type TrafficView } from '../support/traffic-fault-suite';

const LINEAR = 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute';
const RESTORED = 'Traffic restored to version 1';
const ON_CURRENT = { functionVersion: '1', additionalVersionWeights: {} };
const ON_TARGET = { functionVersion: '2', additionalVersionWeights: {} };
const BACK_ON_VERSION_1 = 'the alias back on version 1';

trafficFaultSuite<LambdaHarness, TrafficView & LambdaDeployment>({
  name: 'Lambda traffic shift',
  configs: { linear: LINEAR, allAtOnce: 'CodeDeployDefault.LambdaAllAtOnce' },
  steps: { start: 'StartLambdaDeployment', finish: 'FinishLambdaDeployment' },
  lifecycleEvents: ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'],
  hookFunctions: { BeforeAllowTraffic: 'pre', AfterAllowTraffic: 'post' },
  open: (options) => openLambdaHarness(options),
  deploy: async (h, options) => {
    const view = await h.runtime.waitForDeployment(await startLambdaDeployment(h, { ...options, autoRollback: true }));
    return { ...lambdaDeployment(view), targets: view.targets };
  },
  expectTraffic: async (h, { status }) => {
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual(status === 'Succeeded' ? ON_TARGET : ON_CURRENT);
  },
  expectAllMoved: (view) => expect(view.trafficShifts[view.trafficShifts.length - 1].weights).toEqual({ '2': 100 }),
  restored: RESTORED,
  secondShiftConflictRollback: 'it had 20% on version 2',
  titles: { stepFailed: () => BACK_ON_VERSION_1, failed: BACK_ON_VERSION_1 },
  startStepCall: (faults, error, times) => faults.inject('aliases', 'versionExists', { error, times }),
  stepFaults: [
    {
      step: 'ShiftAlias (the second shift, to 20 %)',
      deploy: { config: LINEAR },
      rollbackMessage: RESTORED,
      inject: (faults, error, times) => faults.inject('aliases', 'shift', { when: (...args) => args[4] === 20, error, times }),
    },
  ],
});
