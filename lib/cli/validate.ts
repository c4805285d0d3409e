// `cutover validate <bundle>`: the appspec and bundle checks alone, writing nothing.
import * as path from 'node:path';
import { formatProblem } from '../../functions/core/errors';
import { checkBundle } from '../local/bundle';
import type { CliContext } from './cli-context';
import { EXIT_FAILED, EXIT_OK, UsageError } from './cli-errors';
import { DEFAULT_STATE_DIR } from './local-session';
import { parseFlags } from './parse-flags';

const USAGE = 'usage: cutover validate <bundle-dir | .zip | .tar | .tgz> [--json]';

export async function validateCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } }, USAGE);
  if (positionals.length !== 1) throw new UsageError('bundle', `give exactly one bundle (got ${positionals.length})\n${USAGE}`);
  const source = path.resolve(ctx.cwd, positionals[0]);
  // Checking the project folder itself must not read the local state kept in it.
  const result = await checkBundle(source, { exclude: [path.resolve(ctx.cwd, DEFAULT_STATE_DIR)] });
  if (values.json) {
    const body = result.ok
      ? { valid: true, appSpecFileName: result.bundle.appSpecFileName, files: result.bundle.files.size }
      : { valid: false, problems: result.problems };
    ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (result.ok) {
    ctx.stdout.write(`${positionals[0]}: valid (${result.bundle.appSpecFileName}, ${result.bundle.files.size} files)\n`);
  } else {
    ctx.stdout.write(`${positionals[0]}: invalid\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
