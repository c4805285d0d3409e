// The ASL files run on aws-local-stepfunctions locally and on Step Functions in the cloud. Features the local
// interpreter ignores silently (JSONata, Variables, Distributed Map) would make the two differ: reject them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_NAMES } from '../../functions/core/errors';
import { STATE_MACHINE_STEPS } from '../../functions/steps';
import { STATEMACHINES_DIR, aslPlaceholders } from '../../lib/asl-files';
import { LocalStateMachine } from '../../lib/local/local-state-machine';
import { LocalTaskCallbacks } from '../../lib/local/local-task-callbacks';

const files = fs.readdirSync(STATEMACHINES_DIR).filter((f) => f.endsWith('.asl.json'));
/** What a throttled or briefly unavailable store or AWS API throws, after the SDK's own retries. */
const TRANSIENT_ERRORS = ['TransientStoreError', 'TransientAwsError', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException'];
const FORBIDDEN_KEYS = ['QueryLanguage', 'Arguments', 'Output', 'Assign', 'Items', 'ItemReader', 'ItemBatcher', 'ResultWriter'];

function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
  }
}

describe.each(files)('%s', (file) => {
  const text = fs.readFileSync(path.join(STATEMACHINES_DIR, file), 'utf8');
  const definition: unknown = JSON.parse(text);

  it('uses JSONPath only: no JSONata, Variables or Distributed Map fields', () => {
    const found: string[] = [];
    walk(definition, (key) => {
      if (FORBIDDEN_KEYS.includes(key)) found.push(key);
    });
    expect(found).toEqual([]);
    expect(text).not.toContain('{%');
  });

  it('catches and retries only errors that exist: typed Cutover errors, States.* and Lambda.*', () => {
    const names: string[] = [];
    walk(definition, (key, value) => {
      if (key === 'ErrorEquals') names.push(...(value as string[]));
    });
    expect(names.length).toBeGreaterThan(0);
    const unknown = names.filter(
      (n) => !(ERROR_NAMES as readonly string[]).includes(n) && !n.startsWith('States.') && !n.startsWith('Lambda.'),
    );
    expect(unknown).toEqual([]);
  });

  it('retries throttling and transient errors with backoff in every Task state', () => {
    type Retrier = { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number };
    const states = Object.entries((definition as { States: Record<string, { Type: string; Retry?: Retrier[] }> }).States);
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    const unretried = tasks.flatMap(([name, state]) =>
      TRANSIENT_ERRORS.filter((error) => {
        // The first retrier that names the error (or States.ALL) is the one Step Functions applies.
        const retrier = state.Retry?.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
        return !retrier || (retrier.MaxAttempts ?? 3) < 2 || (retrier.BackoffRate ?? 2) <= 1;
      }).map((error) => `${name}: ${error}`),
    );
    expect(unretried).toEqual([]);
  });

  it('has a step for every FunctionName placeholder', () => {
    const placeholders = aslPlaceholders(text);
    expect(placeholders.length).toBeGreaterThan(0);
    expect(placeholders.filter((p) => !(p in STATE_MACHINE_STEPS))).toEqual([]);
  });

  it('bounds every task-token wait with TimeoutSeconds, or with a TimeoutSecondsPath its step also receives', () => {
    type WaitState = { Type?: string; Resource?: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string; Parameters?: { Payload?: Record<string, unknown> } };
    const waits: WaitState[] = [];
    walk(definition, (_key, value) => {
      const state = value as WaitState;
      if (state?.Type === 'Task' && state.Resource?.endsWith('.waitForTaskToken')) waits.push(state);
    });
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) {
      if (wait.TimeoutSecondsPath === undefined) expect(wait.TimeoutSeconds).toBeGreaterThan(0);
      else expect(wait.Parameters?.Payload?.['timeoutSeconds.$']).toBe(wait.TimeoutSecondsPath);
    }
  });

  it('passes aws-local-stepfunctions validation', () => {
    expect(
      () =>
        new LocalStateMachine({
          aslFile: path.join(STATEMACHINES_DIR, file),
          steps: STATE_MACHINE_STEPS,
          deps: () => {
            throw new Error('not run');
          },
          callbacks: new LocalTaskCallbacks(),
          timeScale: 1,
          arnPrefix: 'arn:test',
        }),
    ).not.toThrow();
  });
});
