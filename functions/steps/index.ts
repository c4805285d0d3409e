// Every step the state machine can call, by the name that the ASL's FunctionName placeholders stand for.
import type { StepDependencies } from '../ports';
import { checkTraffic } from './check-traffic';
import { advanceEcs } from './ecs/advance-ecs';
import { startEcsDeployment } from './ecs/start-ecs-deployment';
import { finishTrafficDeployment } from './traffic/finish-traffic-deployment';
import { runHook } from './traffic/run-hook';
import { shiftAlias } from './lambda/shift-alias';
import { startLambdaDeployment } from './lambda/start-lambda-deployment';
import { waitForShift } from './traffic/wait-for-shift';
import { finishDeployment } from './finish-deployment';
import { handleEventTimeout } from './handle-event-timeout';
import { planNextBatch } from './plan-next-batch';
import { runLifecycleEvent } from './run-lifecycle-event';
import { startDeployment } from './start-deployment';

export type Step = (deps: StepDependencies, input: unknown) => Promise<unknown>;

/** ASL substitution name → step. The CDK stack maps the same names to Lambda ARNs. */
export const STATE_MACHINE_STEPS: Readonly<Record<string, Step>> = {
  StartDeploymentFunctionArn: startDeployment,
  PlanNextBatchFunctionArn: planNextBatch,
  RunLifecycleEventFunctionArn: runLifecycleEvent,
  HandleEventTimeoutFunctionArn: handleEventTimeout,
  FinishDeploymentFunctionArn: finishDeployment,
  CheckTrafficFunctionArn: checkTraffic,
  StartLambdaDeploymentFunctionArn: startLambdaDeployment,
  RunHookFunctionArn: runHook,
  ShiftAliasFunctionArn: shiftAlias,
  WaitForShiftFunctionArn: waitForShift,
  FinishLambdaDeploymentFunctionArn: finishTrafficDeployment,
  StartEcsDeploymentFunctionArn: startEcsDeployment,
  AdvanceEcsFunctionArn: advanceEcs,
  FinishEcsDeploymentFunctionArn: finishTrafficDeployment,
};
