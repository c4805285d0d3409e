// A stand-in's HTTP server on 127.0.0.1, at a port the system picks, so test files can run side by side.
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:54321 */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 at a free port; `close` also drops the SDK clients' kept-alive sockets. */
export async function listenOnLoopback(server: http.Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
