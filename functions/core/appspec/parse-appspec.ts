// Parses an EC2/on-premises appspec.yml with CodeDeploy's rules, reporting every problem at once with its line.
import { LineCounter, isMap, parseDocument, type Document, type Node } from 'yaml';
import { AppSpecError } from '../errors';
import { readAppSpecVersion } from './appspec-version';
import { sortByLine, yamlSyntaxProblem } from './yaml-problems';
import type { AppSpec, FileExistsBehavior } from '../types';
import type { OsName } from './bundle-paths';
import { readFiles } from './file-rules';
import { readHooks } from './hook-rules';
import { readPermissions } from './permission-rules';
import { didYouMean } from './suggest';
import { describe, YamlReader, type MapEntry } from './yaml-reader';

export const APPSPEC_FILE_NAMES = ['appspec.yml', 'appspec.yaml'] as const;
export type AppSpecFileName = (typeof APPSPEC_FILE_NAMES)[number];

export const TOP_LEVEL_KEYS = ['version', 'os', 'files', 'permissions', 'hooks', 'file_exists_behavior'] as const;
const WINDOWS_UNSUPPORTED =
  "windows hosts are not supported by Cutover's host scripts, which are POSIX shell; os must be linux";
const FILE_EXISTS_BEHAVIORS: readonly FileExistsBehavior[] = ['DISALLOW', 'OVERWRITE', 'RETAIN'];

export function parseAppSpec(text: string, fileName: string = APPSPEC_FILE_NAMES[0]): AppSpec {
  const lines = new LineCounter();
  // Duplicate keys are found by the reader, which can name the field; the parser would only give a position.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    // A document that does not parse cannot be checked further without reporting phantom problems.
    throw new AppSpecError(doc.errors.map((error) => yamlSyntaxProblem(error, fileName, lines)));
  }
  const reader = new YamlReader(doc, lines, fileName);
  const appSpec = readDocument(reader, doc);
  if (reader.problems.length > 0 || appSpec === undefined) {
    throw new AppSpecError(sortByLine(reader.problems));
  }
  return appSpec;
}

function readDocument(reader: YamlReader, doc: Document.Parsed): AppSpec | undefined {
  const fileName = reader.rootField;
  const root = reader.deref(doc.contents);
  if (reader.isAbsent(root)) {
    reader.report(fileName, 'is empty; an appspec needs at least version: 0.0 and os: linux');
    return undefined;
  }
  if (!isMap(root)) {
    const message = `must be a mapping with keys such as version, os, files and hooks (got ${describe(root)})`;
    reader.report(fileName, message, root);
    return undefined;
  }
  const entries = reader.readMap(root, '', TOP_LEVEL_KEYS, '') ?? new Map<string, MapEntry>();
  const value = (key: string): Node | null => entries.get(key)?.value ?? null;
  const version = readAppSpecVersion(reader, entries.get('version'));
  const os = readOs(reader, value('os'));
  const behaviorNode = value('file_exists_behavior');
  const fileExistsBehavior = reader.readChoice(behaviorNode, 'file_exists_behavior', FILE_EXISTS_BEHAVIORS);
  const files = readFiles(reader, value('files'), os);
  const permissions = readPermissions(reader, value('permissions'), os);
  const hooks = readHooks(reader, value('hooks'), os);
  if (version === undefined || os === undefined) {
    return undefined;
  }
  const behavior = fileExistsBehavior === undefined ? {} : { fileExistsBehavior };
  return { version, os, files, ...behavior, permissions, hooks };
}

/**
 * CodeDeploy also takes `windows`, but every host script Cutover renders is POSIX shell, so such a deployment would
 * only fail once it reached a host: refuse it here, where `cutover validate` and deployment creation both look.
 * The value is still returned so the other sections are read with Windows path rules and report nothing spurious.
 */
function readOs(reader: YamlReader, node: Node | null): OsName | undefined {
  const text = reader.readText(node, 'os', { required: true, hint: 'linux' });
  if (text === 'linux' || text === undefined) {
    return text;
  }
  if (text === 'windows') {
    reader.report('os', WINDOWS_UNSUPPORTED, node);
    return text;
  }
  reader.report('os', `must be linux (got '${text}')${didYouMean(text, ['linux'])}`, node);
  return undefined;
}

