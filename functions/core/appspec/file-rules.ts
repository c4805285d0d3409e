// The `files` section: what Install copies from the bundle to the host.
import type { Node } from 'yaml';
import type { FileMapping } from '../types';
import { isAbsoluteHostPath, normaliseBundlePath, type OsName } from './bundle-paths';
import { childField, indexField, type YamlReader } from './yaml-reader';

const FILE_KEYS = ['source', 'destination'] as const;

export function readFiles(reader: YamlReader, node: Node | null, os: OsName | undefined): FileMapping[] {
  const mappings: FileMapping[] = [];
  reader.readList(node, 'files', 'of {source, destination} entries').forEach((item, index) => {
    const field = indexField('files', index);
    const entries = reader.readMap(item, field, FILE_KEYS, 'with source and destination');
    if (entries === undefined) {
      return;
    }
    const source = readSource(reader, entries.get('source')?.value ?? null, childField(field, 'source'), item, os);
    const destinationNode = entries.get('destination')?.value ?? null;
    const destination = readDestination(reader, destinationNode, childField(field, 'destination'), item, os);
    if (source !== undefined && destination !== undefined) {
      mappings.push({ source, destination });
    }
  });
  return mappings;
}

function readSource(
  reader: YamlReader,
  node: Node | null,
  field: string,
  owner: Node | null,
  os: OsName | undefined,
): string | undefined {
  const hint = 'the file or directory in the bundle to copy; / for the whole bundle';
  const source = readBundlePath(reader, { node, field, owner, os, hint });
  if (source === undefined) {
    return undefined;
  }
  return source === '' ? '/' : source;
}

/** A path inside the bundle, normalised; '' is the bundle root. Reports and returns undefined when unusable. */
export function readBundlePath(
  reader: YamlReader,
  at: { node: Node | null; field: string; owner: Node | null; os: OsName | undefined; hint: string },
): string | undefined {
  const raw = reader.readText(at.node, at.field, { required: true, owner: at.owner, hint: at.hint });
  if (raw === undefined) {
    return undefined;
  }
  const normalised = normaliseBundlePath(raw, at.os);
  if (!normalised.ok) {
    reader.report(at.field, `${normalised.reason} (got '${raw}')`, at.node);
    return undefined;
  }
  return normalised.path;
}

function readDestination(
  reader: YamlReader,
  node: Node | null,
  field: string,
  owner: Node | null,
  os: OsName | undefined,
): string | undefined {
  const hint = 'the absolute path on the host to copy to';
  const destination = reader.readText(node, field, { required: true, owner, hint });
  if (destination === undefined) {
    return undefined;
  }
  if (!isAbsoluteHostPath(destination, os)) {
    const allowed =
      os === 'windows' ? 'an absolute path such as C:\\inetpub\\app or /app' : 'an absolute path starting with /';
    reader.report(field, `must be ${allowed} (got '${destination}')`, node);
    return undefined;
  }
  return destination;
}
