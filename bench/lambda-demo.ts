// The Lambda case of `npm run bench`: the README's Lambda demo (examples/lambda-demo, ten shifts with
// CodeDeployDefault.LambdaLinear10PercentEvery1Minute at --time-scale 600) run in-process through the CLI's own
// command, on a fresh state folder, measured against its wall-time budget. The budget lives here, never in a test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { LambdaDeployment } from '../functions/core/types';
import { main } from '../lib/cli/main';

export const LAMBDA_DEMO_APPSPEC = path.resolve(__dirname, '..', 'examples', 'lambda-demo', 'appspec.yaml');
export const LAMBDA_DEMO_CONFIG = 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute';
export const LAMBDA_DEMO_TIME_SCALE = 600;
/** The target: the demo finishes in under 10 s of wall time. */
export const LAMBDA_DEMO_BUDGET_SECONDS = 10;

export interface LambdaRow {
  readonly case: string;
  readonly config: string;
  readonly timeScale: number;
  readonly status: string;
  readonly shifts: number;
  readonly wallSeconds: number;
  readonly budgetSeconds: number;
}

/** Runs `cutover local deploy --platform lambda` on the demo in a fresh folder under `work`. */
export async function measureLambdaDemo(work: string): Promise<LambdaRow> {
  const cwd = fs.mkdtempSync(path.join(work, 'lambda-'));
  const stdout = new TextSink();
  const stderr = new TextSink();
  const args = ['local', 'deploy', '--platform', 'lambda', LAMBDA_DEMO_APPSPEC, '--config', LAMBDA_DEMO_CONFIG];
  const started = process.hrtime.bigint();
  const code = await main([...args, '--time-scale', String(LAMBDA_DEMO_TIME_SCALE), '--json'], { cwd, stdout, stderr });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code > 1) throw new Error(`the Lambda demo was refused (exit ${code}): ${stderr.text}`);
  const view = JSON.parse(stdout.text) as LambdaDeployment;
  return {
    case: path.relative(process.cwd(), path.dirname(LAMBDA_DEMO_APPSPEC)),
    config: LAMBDA_DEMO_CONFIG,
    timeScale: LAMBDA_DEMO_TIME_SCALE,
    status: view.status,
    shifts: view.trafficShifts.length,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    budgetSeconds: LAMBDA_DEMO_BUDGET_SECONDS,
  };
}

/** Within its budget, or over it; a deployment that did not succeed counts as over, whatever its time. */
export function checkLambdaBudget(row: LambdaRow): { line: string; over: boolean } {
  const within = row.status === 'Succeeded' && row.wallSeconds <= row.budgetSeconds;
  const what = `${row.case} at --time-scale ${row.timeScale}, ${row.status} with ${row.shifts} shift(s)`;
  return { line: `${within ? 'within budget' : 'OVER BUDGET'}: ${what}: ${row.wallSeconds} s (at most ${row.budgetSeconds} s)`, over: !within };
}

class TextSink extends Writable {
  public text = '';

  public override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}
