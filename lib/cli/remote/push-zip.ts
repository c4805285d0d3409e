// The zip `push` uploads: the source folder as it is, unix modes kept (hook scripts must stay executable), with
// fixed timestamps so the same files give the same bytes, and so the same ETag.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync, type ZipAttributes, type Zippable } from 'fflate';

export interface ZipOptions {
  /** Folders left out (the local state folder may sit inside the project). */
  readonly exclude?: readonly string[];
  /** Leaves out files and folders whose name starts with a dot (aws push --ignore-hidden-files). */
  readonly ignoreHidden?: boolean;
}

const UNIX = 3;
const FIXED_TIME = new Date('2000-01-01T00:00:00');
const FILE_TYPE = 0o100000;
const DIRECTORY_TYPE = 0o040000;
const LINK_TYPE = 0o120000;

export function zipFolder(root: string, options: ZipOptions = {}): Uint8Array {
  const excluded = new Set((options.exclude ?? []).map((p) => path.resolve(p)));
  const entries: Zippable = {};
  const walk = (dir: string, prefix: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (excluded.has(path.resolve(full)) || (options.ignoreHidden && name.startsWith('.'))) continue;
      const info = fs.lstatSync(full);
      const entry = `${prefix}${name}`;
      if (info.isDirectory()) {
        entries[`${entry}/`] = [new Uint8Array(0), attributes(DIRECTORY_TYPE, info.mode)];
        walk(full, `${entry}/`);
      } else if (info.isSymbolicLink()) {
        // A unix zip keeps a link as an entry whose content is its target.
        entries[entry] = [new TextEncoder().encode(fs.readlinkSync(full)), attributes(LINK_TYPE, 0o777)];
      } else if (info.isFile()) {
        entries[entry] = [new Uint8Array(fs.readFileSync(full)), attributes(FILE_TYPE, info.mode)];
      }
    }
  };
  walk(root, '');
  return zipSync(entries, { level: 6, mtime: FIXED_TIME });
}

function attributes(type: number, mode: number): ZipAttributes {
  return { os: UNIX, attrs: ((type | (mode & 0o7777)) << 16) >>> 0, mtime: FIXED_TIME };
}
