// The Lambda functions as the stack deploys them: one module under functions/handlers per function. Each builds its
// dependencies at module scope from the environment, so they are loaded (one cold start each) only once the
// environment points the SDK clients at the stand-ins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LambdaHandler } from '../support/standins/sfn-standin';

const HANDLERS_DIR = path.resolve(__dirname, '..', '..', 'functions', 'handlers');
const SSM_EVENT_HANDLER = 'ssm-event';
const ALARM_EVENT_HANDLER = 'alarm-event';

export interface CutoverHandlers {
  /** ASL placeholder → the handler of the function it names. */
  readonly steps: ReadonlyMap<string, LambdaHandler>;
  /** The target of the SSM status rule. */
  readonly ssmEvent: LambdaHandler;
  /** The target of the CloudWatch alarm rule. */
  readonly alarmEvent: LambdaHandler;
}

/** `handlerFiles`: ASL placeholder → the handler file of the function the stack substitutes for it. */
export async function loadHandlers(handlerFiles: Readonly<Record<string, string>>): Promise<CutoverHandlers> {
  const steps = new Map<string, LambdaHandler>();
  for (const [placeholder, file] of Object.entries(handlerFiles)) steps.set(placeholder, await loadHandler(file));
  return { steps, ssmEvent: await loadHandler(SSM_EVENT_HANDLER), alarmEvent: await loadHandler(ALARM_EVENT_HANDLER) };
}

/** The handler of functions/handlers/<file>.ts, loaded as Lambda loads it (one cold start). */
export async function loadHandler(file: string): Promise<LambdaHandler> {
  const source = path.join(HANDLERS_DIR, `${file}.ts`);
  if (!fs.existsSync(source)) throw new Error(`no Lambda handler ${path.relative(process.cwd(), source)}`);
  const loaded = (await import(source)) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') throw new Error(`${file}.ts exports no handler function`);
  return loaded.handler as LambdaHandler;
}
