// The JSON files the embedded runtime's simulations (load balancers, Lambda functions) keep in the state folder,
// readable and editable by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file's text, or undefined when it does not exist (yet). */
export function readStateFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// Synchronous writes: within one process, each read-modify-write completes before another can start. The rename
// keeps a reader (another process watching the file, too) from ever seeing half a file; the temporary file is named
// after this process, so that two processes writing the same file at once never write into each other's.
export function writeStateFile(file: string, body: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
