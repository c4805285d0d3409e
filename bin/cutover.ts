// Entry of the `cutover` CLI (see lib/cli/main.ts for the commands).
import '../lib/local/polyfills';
import { main } from '../lib/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cutover: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
