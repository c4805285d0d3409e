// A stream that keeps what is written to it, for CLI commands that print to stdout or stderr.
import { Writable } from 'node:stream';

export function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}
