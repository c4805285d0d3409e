// The Lambda entry points of the state machines' steps, loaded as Lambda loads them (dependencies built at module
// scope from the environment the stack gives them): every placeholder of every state machine of the synthesized stack
// is substituted with a function whose handler file runs the step the embedded runtime maps the placeholder to.
import * as fs from 'node:fs';
import { ValidationError } from '../../functions/core/errors';
import type { StepDependencies } from '../../functions/ports';
import { STATE_MACHINE_STEPS } from '../../functions/steps';
import { ECS_BLUE_GREEN_ASL, LAMBDA_TRAFFIC_SHIFT_ASL, SERVER_IN_PLACE_ASL, aslPlaceholders } from '../../lib/asl-files';
import { loadHandler } from '../e2e/lambda-handlers';
import { templateStateMachines } from '../e2e/stack-template';

const ENVIRONMENT = {
  TABLE_NAME: 'cutover',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Cutover-Service-ServerInPlace',
  LAMBDA_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Cutover-Service-LambdaTrafficShift',
  ECS_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Cutover-Service-EcsBlueGreen',
  SSM_LOG_GROUP: '/cutover/commands',
  EVENT_BUS_NAME: 'cutover',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const saved = { ...process.env };
beforeAll(() => Object.assign(process.env, ENVIRONMENT));
afterAll(() => {
  for (const name of Object.keys(ENVIRONMENT)) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const MACHINES = new Map(templateStateMachines().map((machine) => [machine.flow, machine]));

describe.each([
  ['ServerInPlace', SERVER_IN_PLACE_ASL],
  ['LambdaTrafficShift', LAMBDA_TRAFFIC_SHIFT_ASL],
  ['EcsBlueGreen', ECS_BLUE_GREEN_ASL],
] as const)('the %s flow', (flow, aslFile) => {
  const machine = MACHINES.get(flow);
  const placeholders = aslPlaceholders(fs.readFileSync(aslFile, 'utf8'));

  it('is deployed from its ASL file, every placeholder substituted with a function', () => {
    expect(machine?.definition).toBe(fs.readFileSync(aslFile, 'utf8'));
    expect(Object.keys(machine?.handlerFiles ?? {}).sort()).toEqual([...placeholders].sort());
  });

  it.each(placeholders)('%s has a handler that runs its step', async (placeholder) => {
    const step = STATE_MACHINE_STEPS[placeholder];
    expect(step).toBeDefined();
    const handler = await loadHandler(machine?.handlerFiles[placeholder] ?? `(no function for ${placeholder})`);

    // An input no step accepts: the step's own refusal names it, so the same refusal proves the same step.
    const refusal = await step({} as StepDependencies, { unexpected: true }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ValidationError);
    await expect(handler({ unexpected: true })).rejects.toThrow(new ValidationError((refusal as ValidationError).problems));
  });
});

describe('the alarm handler', () => {
  it('refuses an event that is not an Alarm State Change, naming the field', async () => {
    const handler = await loadHandler('alarm-event');

    const refused = handler({ source: 'aws.ssm', 'detail-type': 'CloudWatch Alarm State Change', detail: {} });

    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      problems: ['source', 'detail.alarmName', 'detail.state'].map((field) => expect.objectContaining({ field })),
    });
  });

  it('ends nothing, and calls nothing, when an alarm goes back to OK', async () => {
    const handler = await loadHandler('alarm-event');
    const event = { source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'errors', state: { value: 'OK' } } };

    await expect(handler(event)).resolves.toEqual({ alarmName: 'errors', state: 'OK', stopped: [] });
  });
});
