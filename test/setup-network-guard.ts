// Tests may talk to loopback only: anything else fails at once instead of trying AWS.
import * as net from 'node:net';

const isLoopback = (host?: string): boolean =>
  !host || host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '[::1]';

const originalConnect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
(net.Socket.prototype as unknown as { connect: (...args: unknown[]) => net.Socket }).connect = function guardedConnect(
  this: net.Socket,
  ...args: unknown[]
): net.Socket {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options =
    typeof first === 'object' && first !== null
      ? (first as { host?: string; port?: number; path?: string })
      : { port: first as number, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!options.path && !isLoopback(options.host)) {
    throw new Error(`[network-guard] blocked connection to ${options.host}:${options.port}`);
  }
  return originalConnect.apply(this, args);
};

process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
