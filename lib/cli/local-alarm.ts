// `cutover local alarm set <name> <state>`: the simulated CloudWatch alarms that Lambda and ECS deployment groups watch.
import type { AlarmState } from '../../functions/ports';
import { ALARM_STATES, LocalAlarms } from '../local/local-alarms';
import type { CliContext } from './cli-context';
import { EXIT_OK, HelpRequested, UsageError } from './cli-errors';
import { stateDirOf } from './local-session';
import { oneOf, parseFlags } from './parse-flags';

export const LOCAL_ALARM_USAGE = `usage: cutover local alarm set <name> <OK|ALARM|INSUFFICIENT_DATA> [--state-dir DIR]

Sets a simulated CloudWatch alarm in <state-dir>/alarms.json (an alarm the file does not name reads
INSUFFICIENT_DATA). Deployment groups watch the alarms given with \`cutover local deploy --alarm NAME\` (on any
platform) or in their alarmConfiguration; one in ALARM stops their deployment. A deployment running in another
process (\`cutover local serve\`, \`cutover local deploy\`) sees the change within a fraction of a second, in the
middle of a wait or a hook script too, as CloudWatch's alarm state change event would tell it.`;

export async function localAlarmCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') throw new HelpRequested(LOCAL_ALARM_USAGE);
  if (name !== 'set') throw new UsageError('command', `expected set (got ${name ?? 'none'})\n${LOCAL_ALARM_USAGE}`);
  const { values, positionals } = parseFlags(rest, { 'state-dir': { type: 'string' } }, LOCAL_ALARM_USAGE);
  if (positionals.length !== 2) {
    throw new UsageError('arguments', `set takes <name> <state> (got ${positionals.join(' ') || 'none'})\n${LOCAL_ALARM_USAGE}`);
  }
  const [alarmName, given] = positionals;
  const state = oneOf<AlarmState>('state', given, ALARM_STATES) as AlarmState;
  // Without the runtime (and the state folder's lock): a server or deployment running meanwhile watches the file.
  await new LocalAlarms(stateDirOf(ctx.cwd, values['state-dir'])).set(alarmName, state);
  ctx.stdout.write(`Alarm ${alarmName} is ${state}\n`);
  return EXIT_OK;
}
