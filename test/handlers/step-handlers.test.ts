// The Lambda entry points of the state machines' steps, loaded as Lambda loads them (dependencies built at module
// scope from the environment the stack gives them): every placeholder of every ASL file has a handler file of the name
// the stack gives its function, and that handler runs the step the embedded runtime maps the placeholder to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../../functions/core/errors';
import type { StepDependencies } from '../../functions/ports';
import { STATE_MACHINE_STEPS } from '../../functions/steps';
import { LAMBDA_TRAFFIC_SHIFT_ASL, SERVER_IN_PLACE_ASL, aslPlaceholders } from '../../lib/asl-files';
import { handlerFileOf } from '../e2e/lambda-handlers';

const HANDLERS_DIR = path.join(__dirname, '..', '..', 'functions', 'handlers');

const ENVIRONMENT = {
  TABLE_NAME: 'cutover',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Cutover-Service-ServerInPlace',
  LAMBDA_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:Cutover-Service-LambdaTrafficShift',
  SSM_LOG_GROUP: '/cutover/commands',
  EVENT_BUS_NAME: 'cutover',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

type Handler = (event: unknown) => Promise<unknown>;

const saved = { ...process.env };
beforeAll(() => Object.assign(process.env, ENVIRONMENT));
afterAll(() => {
  for (const name of Object.keys(ENVIRONMENT)) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

async function loadHandler(file: string): Promise<Handler> {
  const loaded = (await import(path.join(HANDLERS_DIR, `${file}.ts`))) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') throw new Error(`${file}.ts exports no handler function`);
  return loaded.handler as Handler;
}

const placeholdersOf = (file: string): string[] => aslPlaceholders(fs.readFileSync(file, 'utf8'));

describe.each([
  ['server in-place', SERVER_IN_PLACE_ASL],
  ['Lambda traffic shift', LAMBDA_TRAFFIC_SHIFT_ASL],
])('the %s flow', (_flow, aslFile) => {
  it.each(placeholdersOf(aslFile))('%s has a handler that runs its step', async (placeholder) => {
    const step = STATE_MACHINE_STEPS[placeholder];
    expect(step).toBeDefined();
    const handler = await loadHandler(handlerFileOf(placeholder));

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
