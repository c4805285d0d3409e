// The handlers' source as the TypeScript checker sees it: the IAM derivation follows symbols, not text, so an alias,
// a destructured port or a namespace import lands on the same declaration the compiler would call.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const PROJECT_ROOT = path.join(__dirname, '..', '..', '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'functions');

let cached: ts.Program | undefined;

/** One program over every file under functions/, built once per test file (a few seconds with the SDK's typings). */
export function functionsProgram(): ts.Program {
  if (cached === undefined) {
    const config = ts.readConfigFile(path.join(PROJECT_ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_ROOT);
    cached = ts.createProgram(sourceFilesUnder(FUNCTIONS_DIR), { ...options, noEmit: true, types: ['node'] });
  }
  return cached;
}

/** Whether a file is the project's own source under functions/ (not a dependency's typings). */
export function isFunctionsSource(file: ts.SourceFile | string): boolean {
  const name = typeof file === 'string' ? file : file.fileName;
  return path.resolve(name).startsWith(FUNCTIONS_DIR + path.sep) && !name.endsWith('.d.ts');
}

/** `functions/aws/ssm-host-runner.ts:62`, for messages. */
export function where(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${path.relative(PROJECT_ROOT, file.fileName)}:${line + 1}`;
}

function sourceFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFilesUnder(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
