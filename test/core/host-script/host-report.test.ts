import { LOG_TAIL_BYTES, parseHostReport } from '../../../functions/core/host-script';
import { EXIT_CODES } from '../../../functions/core/host-script/protocol';

const marker = (payload: string): string => `\n@@cutover result=${payload}\n`;

describe('parseHostReport', () => {
  it.each([
    [
      'ScriptMissing',
      EXIT_CODES.ScriptMissing,
      'ScriptMissing script=scripts/x.sh',
      'scripts/x.sh',
      'Script at specified location: scripts/x.sh is missing',
    ],
    [
      'ScriptNotExecutable',
      EXIT_CODES.ScriptNotExecutable,
      'ScriptNotExecutable script=x.sh',
      'x.sh',
      'Script at specified location: x.sh is not executable and could not be made executable',
    ],
    [
      'ScriptTimedOut',
      EXIT_CODES.ScriptTimedOut,
      'ScriptTimedOut script=x.sh timeout=30',
      'x.sh',
      'Script at specified location: x.sh failed to complete in 30 seconds',
    ],
    [
      'ScriptFailed',
      EXIT_CODES.ScriptFailed,
      'ScriptFailed script=scripts/validate.sh exit=3',
      'scripts/validate.sh',
      'Script at specified location: scripts/validate.sh failed with exit code 3',
    ],
    [
      'ScriptFailed',
      EXIT_CODES.ScriptFailed,
      'ScriptFailed script=scripts/validate.sh exit=1 user=deploy',
      'scripts/validate.sh',
      'Script at specified location: scripts/validate.sh run as user deploy failed with exit code 1',
    ],
    [
      'ScriptFailed',
      EXIT_CODES.ScriptFailed,
      'ScriptFailed script=my%20dir/it%27s%0Aodd.sh exit=2',
      "my dir/it's\nodd.sh",
      "Script at specified location: my dir/it's\nodd.sh failed with exit code 2",
    ],
    [
      'UnknownError',
      EXIT_CODES.UnknownError,
      'UnknownError message=The%20deployment%20failed%3A%20/var/www/%C3%A9.txt',
      '',
      'The deployment failed: /var/www/é.txt',
    ],
  ])('reads a %s marker (exit %i, %s)', (errorCode, exitCode, payload, scriptName, message) => {
    const report = parseHostReport(exitCode, `some output\n${marker(payload)}`);
    expect(report).toEqual({
      status: 'Failed',
      diagnostics: { errorCode, scriptName, message, logTail: 'some output\n' },
    });
  });

  it.each([
    ['no output at all', 1, ''],
    ['SSM reporting -1', -1, 'partial output\n'],
    ['a killed shell', 137, 'Killed\n'],
    ['a marker that is not the last line', EXIT_CODES.ScriptFailed, `${marker('ScriptFailed script=a exit=1')}more\n`],
    ['a marker that disagrees with the exit code', 1, marker('ScriptFailed script=a exit=1')],
    ['an unknown result name', EXIT_CODES.ScriptFailed, marker('Exploded script=a')],
  ])('reports UnknownError naming the exit code for %s', (_case, exitCode, output) => {
    const report = parseHostReport(exitCode, output);
    expect(report.status).toBe('Failed');
    expect(report.diagnostics.errorCode).toBe('UnknownError');
    expect(report.diagnostics.message).toContain(`exit code ${exitCode}`);
  });

  it('hints at truncation when one of its own exit codes comes without the marker', () => {
    const { diagnostics } = parseHostReport(EXIT_CODES.ScriptFailed, 'first 24,000 characters…');
    expect(diagnostics.errorCode).toBe('UnknownError');
    expect(diagnostics.message).toBe(
      `The host script ended with exit code ${EXIT_CODES.ScriptFailed} without reporting a result ` +
        '(the code of ScriptFailed; the output was probably truncated)',
    );
  });

  it.each([
    ['with the success marker', `done\n${marker('Succeeded')}`, 'done\n'],
    ['without a marker (output truncated by SSM)', 'done\n', 'done\n'],
    ['whose output lacks a final newline', `done${marker('Succeeded')}`, 'done'],
  ])('treats exit 0 as Succeeded %s', (_case, output, logTail) => {
    expect(parseHostReport(0, output)).toEqual({
      status: 'Succeeded',
      diagnostics: { errorCode: 'Success', scriptName: '', message: 'Succeeded', logTail },
    });
  });

  it('keeps the last LOG_TAIL_BYTES bytes of the output, without the marker', () => {
    const output = `${'a'.repeat(3000)}${'b'.repeat(3000)}${marker('ScriptFailed script=x exit=1')}`;
    const { logTail } = parseHostReport(EXIT_CODES.ScriptFailed, output).diagnostics;
    expect(LOG_TAIL_BYTES).toBe(4096);
    expect(Buffer.byteLength(logTail)).toBe(4096);
    expect(logTail).toBe(`${'a'.repeat(1096)}${'b'.repeat(3000)}`);
  });

  it('starts a truncated tail on a character boundary', () => {
    const output = `${'é'.repeat(3000)}${marker('Succeeded')}`; // 2 bytes each: 4096 falls on a boundary, 4095 would not
    const { logTail } = parseHostReport(0, `x${output}`).diagnostics;
    expect(logTail).toBe('é'.repeat(2048));
    const odd = parseHostReport(0, `${'é'.repeat(3000)}z${marker('Succeeded')}`).diagnostics.logTail;
    expect(Buffer.byteLength(odd)).toBe(4095);
    expect(odd.startsWith('é')).toBe(true);
    expect(odd.endsWith('z')).toBe(true);
  });
});
