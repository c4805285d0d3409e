// What the Lambda and ECS end-to-end files share: the loopback AWS of one test file, with the API function loaded on
// it, hook functions that report through that API, and a deployment read back once it and everything it set off have
// ended.
import type { DeploymentView } from '../../functions/core/types';
import type { HookInvocation } from '../../functions/ports';
import type { StandInFunction } from '../support/standins/lambda-standin';
import type { LambdaHandler } from '../support/standins/sfn-standin';
import { view, waitForEnd } from './aws-deploy';
import { loadHandler } from './lambda-handlers';
import { type LoopbackAws, startLoopbackAws } from './loopback-aws';

export interface TrafficSuite {
  /** Started before the file's tests, closed after them. */
  readonly aws: LoopbackAws;
  /** The API function's handler, as API Gateway invokes it. */
  readonly api: LambdaHandler;
  /** Lambda functions of these names that report every hook they are invoked for Succeeded, through the API. */
  addSucceedingHooks(...functionNames: string[]): void;
}

/** Registers the file's setup and teardown; read the suite's members inside tests and helpers they call. */
export function trafficSuite(): TrafficSuite {
  let started: { aws: LoopbackAws; api: LambdaHandler } | undefined;
  beforeAll(async () => {
    const aws = await startLoopbackAws();
    started = { aws, api: await loadHandler('api') };
  }, 60_000);
  afterAll(async () => started?.aws.close());
  // Tests that shorten task-token waits do so for their own executions only.
  afterEach(() => {
    if (started) started.aws.sfn.tokenTimeoutScale = 1;
  });
  const running = (): { aws: LoopbackAws; api: LambdaHandler } => {
    if (started === undefined) throw new Error('the loopback AWS is not started: use the suite inside tests');
    return started;
  };
  return {
    get aws() {
      return running().aws;
    },
    get api() {
      return running().api;
    },
    addSucceedingHooks(...functionNames) {
      const { aws, api } = running();
      for (const name of functionNames) aws.lambda.addFunction(name, ['1'], reportingHook(api, 'Succeeded'));
    },
  };
}

/** The deployment with its targets once it has ended and nothing it started still runs. */
export async function endedDeployment(aws: LoopbackAws, deploymentId: string): Promise<DeploymentView> {
  await waitForEnd(aws.runtime.deps.store, deploymentId);
  await aws.settle();
  return view(aws.runtime.deps.store, deploymentId);
}

/**
 * A lifecycle hook function as CodeDeploy's are written for Lambda and ECS deployments: it reports its status through
 * PutLifecycleEventHookExecutionStatus, here to the API function itself, as API Gateway would hand it the request.
 */
export function reportingHook(api: LambdaHandler, status: 'Succeeded' | 'Failed'): StandInFunction {
  return async (payload: unknown): Promise<void> => {
    const { DeploymentId, LifecycleEventHookExecutionId } = payload as HookInvocation;
    const answer = (await api({
      httpMethod: 'POST',
      path: `/deployments/${DeploymentId}/lifecycle-hook-executions/${encodeURIComponent(LifecycleEventHookExecutionId)}`,
      queryStringParameters: null,
      body: JSON.stringify({ status }),
      isBase64Encoded: false,
    })) as { statusCode: number; body: string };
    if (answer.statusCode !== 200) throw new Error(`PutLifecycleEventHookExecutionStatus answered ${answer.statusCode}: ${answer.body}`);
  };
}
