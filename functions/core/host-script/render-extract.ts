// The unpacking part of DownloadBundle: the downloaded bundle ("$b") into a fresh deployment-archive ("$a"), by format.
import { ValidationError } from '../errors';
import { EXIT_CODES, markerPayload } from './protocol';
import { shellQuote } from './shell-quote';

export type BundleFormat = 'tar' | 'tgz' | 'zip';
const FORMATS: readonly BundleFormat[] = ['tar', 'tgz', 'zip'];

/** Writes what fails the event with `message`; the caller's helper, so every marker is built one way. */
export type Fail = (message: string) => string;

/*
 * Entries a zip must not have: an absolute name, or a ".." component, with "\" counted as a separator too because
 * unzip turns backslashes into slashes in archives made on Windows. unzip and Python's zipfile both quietly rewrite
 * such names to land inside the archive directory, but a bundle that carries them was built to escape it, so it is
 * refused outright instead of deployed in a shape its author did not write.
 */
const UNSAFE_ENTRY = String.raw`^[/\\]|(^|[/\\])\.\.([/\\]|$)`;

// One name per line, exactly as zipfile will extract them (it reads the same central directory).
const PYTHON_LIST = [
  'import sys, zipfile',
  'with zipfile.ZipFile(sys.argv[1]) as z:',
  '    for n in z.namelist(): sys.stdout.buffer.write(n.encode("utf-8", "surrogateescape") + b"\\n")',
].join('\n');

export function checkedFormat(format: unknown): BundleFormat {
  const found = FORMATS.find((candidate) => candidate === format);
  if (format !== undefined && found === undefined) {
    throw new ValidationError([{ field: 'bundle.format', message: `is ${JSON.stringify(format)}; must be tar, tgz or zip` }]);
  }
  return found ?? 'tar';
}

/** Shell lines that replace "$a" with the unpacked bundle, or end the script with an UnknownError marker. */
export function renderExtract(format: BundleFormat, fail: Fail): string[] {
  // GNU tar recognises gzip by itself, so tar and tgz are one case; it also refuses ".." members on its own.
  if (format !== 'zip') {
    return [`rm -rf "$a" && mkdir "$a" && tar -xf "$b" -C "$a" || ${fail('Could not extract the bundle (tar -xf failed)')}`];
  }
  const unsafe = markerPayload('UnknownError', {
    message: 'The zip bundle has an entry with an absolute path or a ".." component, which could land outside the archive directory: ',
  });
  return [
    // unzip exits 1 for warnings only (a Windows zip's backslashes, an empty archive); the entry check below has
    // already refused every name a warning could be about where it lands. Never -: (it would keep "../").
    'if command -v unzip >/dev/null 2>&1; then',
    '  z=$(unzip -Z1 "$b" </dev/null)',
    `  [ $? -le 1 ] || ${fail('Could not read the zip bundle (unzip -Z1 failed)')}`,
    '  cutover_unzip() { unzip -q -o "$b" -d "$a" </dev/null; [ $? -le 1 ]; }',
    'elif command -v python3 >/dev/null 2>&1; then',
    `  z=$(python3 -c ${shellQuote(PYTHON_LIST)} "$b" </dev/null) || ${fail('Could not read the zip bundle (python3 zipfile failed)')}`,
    '  cutover_unzip() { python3 -m zipfile -e "$b" "$a" </dev/null; }',
    'else',
    `  ${fail('Could not extract the bundle: the host needs unzip or python3 to extract a zip bundle')}`,
    'fi',
    `e=$(printf '%s\\n' "$z" | grep -E ${shellQuote(UNSAFE_ENTRY)} | head -n 1)`,
    // The name goes into the marker as %XX bytes (its first 256), so any byte in it keeps the marker one line.
    `[ -z "$e" ] || cutover_end ${EXIT_CODES.UnknownError} ${shellQuote(unsafe)}"$(printf %s "$e" | od -An -tx1 -v -N 256 | tr -d ' \\n' | sed 's/../%&/g')"`,
    `rm -rf "$a" && mkdir "$a" && cutover_unzip || ${fail('Could not extract the zip bundle')}`,
  ];
}
