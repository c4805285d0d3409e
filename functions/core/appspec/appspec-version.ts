// `version: 0.0`, the one appspec version CodeDeploy accepts, for every platform's appspec.
import { isScalar } from 'yaml';
import type { MapEntry, YamlReader } from './yaml-reader';

/**
 * CodeDeploy accepts only 0.0. YAML reads `0.0` as the number 0 and `1.0` as 1, so the text as written decides:
 * `0.0` or `"0.0"` pass, `0`, `00.0` and `1.0` do not.
 */
export function readAppSpecVersion(reader: YamlReader, entry: MapEntry | undefined): '0.0' | undefined {
  const node = entry?.value ?? null;
  const text = reader.readText(node, 'version', { required: true, owner: entry?.keyNode, hint: 'it must be 0.0' });
  if (text === undefined) {
    return undefined;
  }
  if (isScalar(node) && (node.value === 0 || node.value === '0.0') && text === '0.0') {
    return '0.0';
  }
  reader.report('version', `must be 0.0 (got ${text})`, node);
  return undefined;
}
