import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionArnFor, SfnExecutionStarter } from '../../functions/aws/sfn-execution-starter';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-ServerInPlace';
const LAMBDA_STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-LambdaTrafficShift';
const ECS_STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-EcsBlueGreen';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:Cutover-Service-ServerInPlace:d-ABCDEFGH1';
const LAMBDA_EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:Cutover-Service-LambdaTrafficShift:d-LAMBDA001';
const ECS_EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:Cutover-Service-EcsBlueGreen:d-ECS000001';

const SERVER_DEPLOYMENT = { deploymentId: 'd-ABCDEFGH1', computePlatform: 'Server' } as const;
const LAMBDA_DEPLOYMENT = { deploymentId: 'd-LAMBDA001', computePlatform: 'Lambda' } as const;
const ECS_DEPLOYMENT = { deploymentId: 'd-ECS000001', computePlatform: 'ECS' } as const;

const sfn = mockClient(SFNClient);
const starter = new SfnExecutionStarter({
  client: new SFNClient({}),
  stateMachineArns: { Server: STATE_MACHINE_ARN, Lambda: LAMBDA_STATE_MACHINE_ARN, ECS: ECS_STATE_MACHINE_ARN },
});

beforeEach(() => sfn.reset());

describe('SfnExecutionStarter', () => {
  it('starts an execution named after the deployment, with the deployment id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });

    await expect(starter.start(SERVER_DEPLOYMENT)).resolves.toEqual({ executionArn: EXECUTION_ARN });

    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: 'd-ABCDEFGH1', input: '{"deploymentId":"d-ABCDEFGH1","firstBatch":1}' },
    ]);
  });

  it("starts each deployment on its platform's state machine: Lambda on the traffic shift, ECS on blue/green, Server on in-place", async () => {
    sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
      executionArn: executionArnFor(input.stateMachineArn, input.name),
      startDate: new Date(),
    }));

    await expect(starter.start(LAMBDA_DEPLOYMENT)).resolves.toEqual({ executionArn: LAMBDA_EXECUTION_ARN });
    await expect(starter.start(ECS_DEPLOYMENT)).resolves.toEqual({ executionArn: ECS_EXECUTION_ARN });
    await expect(starter.start(SERVER_DEPLOYMENT)).resolves.toEqual({ executionArn: EXECUTION_ARN });

    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: LAMBDA_STATE_MACHINE_ARN, name: 'd-LAMBDA001', input: '{"deploymentId":"d-LAMBDA001","firstBatch":1}' },
      { stateMachineArn: ECS_STATE_MACHINE_ARN, name: 'd-ECS000001', input: '{"deploymentId":"d-ECS000001","firstBatch":1}' },
      { stateMachineArn: STATE_MACHINE_ARN, name: 'd-ABCDEFGH1', input: '{"deploymentId":"d-ABCDEFGH1","firstBatch":1}' },
    ]);
  });

  it("derives an existing Lambda execution's ARN from the Lambda state machine", async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    await expect(starter.start(LAMBDA_DEPLOYMENT)).resolves.toEqual({ executionArn: LAMBDA_EXECUTION_ARN });
  });

  it('names an execution that takes over at a later batch after the deployment and that batch', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    await expect(starter.start(SERVER_DEPLOYMENT, 201)).resolves.toEqual({ executionArn: `${EXECUTION_ARN}-from-201` });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'd-ABCDEFGH1-from-201',
      input: '{"deploymentId":"d-ABCDEFGH1","firstBatch":201}',
    });
  });

  it('treats ExecutionAlreadyExists as started and returns the ARN of that execution', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    await expect(starter.start(SERVER_DEPLOYMENT)).resolves.toEqual({ executionArn: EXECUTION_ARN });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('refuses a platform it has no state machine for, sending nothing', async () => {
    const serverOnly = new SfnExecutionStarter({ client: new SFNClient({}), stateMachineArns: { Server: STATE_MACHINE_ARN } });

    await expect(serverOnly.start(LAMBDA_DEPLOYMENT)).rejects.toThrow(
      expect.objectContaining({ name: 'UnsupportedPlatformError', message: 'No state machine runs Lambda deployments in this installation' }),
    );
    expect(sfn.calls()).toEqual([]);
  });

  it('passes other errors on', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionLimitExceeded({ message: 'too many', $metadata: {} }));

    await expect(starter.start(SERVER_DEPLOYMENT)).rejects.toBeInstanceOf(ExecutionLimitExceeded);
  });

  it.each([
    ['Server', { Server: 'arn:aws:lambda:eu-west-1:123456789012:function:x', Lambda: LAMBDA_STATE_MACHINE_ARN }],
    ['Lambda', { Server: STATE_MACHINE_ARN, Lambda: 'arn:aws:lambda:eu-west-1:123456789012:function:x' }],
  ])('refuses a %s ARN that is not a state machine', (_platform, stateMachineArns) => {
    expect(() => new SfnExecutionStarter({ client: new SFNClient({}), stateMachineArns })).toThrow(
      "Not a state machine ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:x'",
    );
  });
});

describe('executionArnFor', () => {
  it('keeps the partition, region and account of the state machine', () => {
    expect(executionArnFor('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:M', 'd-1')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:execution:M:d-1',
    );
  });

  describe('isRunning', () => {
    it.each([
      ['RUNNING', true],
      ['SUCCEEDED', false],
      ['FAILED', false],
      ['TIMED_OUT', false],
      ['ABORTED', false],
    ] as const)('is %s → %s, asking DescribeExecution for that execution', async (status, running) => {
      sfn.on(DescribeExecutionCommand).resolves({ status, executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });

      await expect(starter.isRunning(EXECUTION_ARN)).resolves.toBe(running);
      expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
    });

    it('is false for an execution that does not exist', async () => {
      sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }));
      await expect(starter.isRunning(EXECUTION_ARN)).resolves.toBe(false);
    });
  });
});
