// The flags every API command shares: where the API is, how to sign for it, how to print. They may come before
// the command (`cutover --endpoint URL get-application …`) or among its flags, as with aws.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { UsageError } from '../cli-errors';
import { ApiClient, type RequestSigner } from './api-client';
import type { FlagSpecs, ParsedFlags } from './remote-flags';
import { DEFAULT_PORT, LOOPBACK } from './http-server';
import { isLoopbackHttp, regionOfEndpoint, signRequest } from './sigv4';

const DEFAULT_ENDPOINT = `http://${LOOPBACK}:${DEFAULT_PORT}`;

export type OutputFormat = 'json' | 'table';

export interface GlobalOptions {
  readonly endpoint: URL;
  readonly region?: string;
  readonly profile?: string;
  readonly output: OutputFormat;
}

export const GLOBAL_FLAGS: FlagSpecs = {
  endpoint: { kind: 'string', help: 'the Cutover API', placeholder: 'URL' },
  region: { kind: 'string', help: 'region for SigV4', placeholder: 'REGION' },
  profile: { kind: 'string', help: 'AWS profile for SigV4', placeholder: 'NAME' },
  output: { kind: 'string', help: 'how to print', choices: ['json', 'table'] },
};

/** Splits `[global flags] <command> [flags]`: the command is the first word that is not a global flag or its value. */
export function splitCommand(args: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg.startsWith('--') && Object.hasOwn(GLOBAL_FLAGS, arg.slice(2))) {
      i += 1;
      continue;
    }
    if (arg.startsWith('--') && arg.includes('=') && Object.hasOwn(GLOBAL_FLAGS, arg.slice(2).split('=')[0])) continue;
    if (arg.startsWith('-')) return { name: undefined, rest: [...args] };
    return { name: arg, rest: [...args.slice(0, i), ...args.slice(i + 1)] };
  }
  return { name: undefined, rest: [...args] };
}

export function globalOptionsOf(flags: ParsedFlags, env: NodeJS.ProcessEnv): GlobalOptions {
  const text = flags.string('endpoint') ?? (env.CUTOVER_ENDPOINT || DEFAULT_ENDPOINT);
  let endpoint: URL;
  try {
    endpoint = new URL(text);
  } catch {
    throw new UsageError('--endpoint', `must be a URL like ${DEFAULT_ENDPOINT} (got ${text})`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new UsageError('--endpoint', `must be an http:// or https:// URL (got ${text})`);
  }
  return {
    endpoint,
    region: flags.string('region'),
    profile: flags.string('profile'),
    output: (flags.string('output') as OutputFormat | undefined) ?? 'json',
  };
}

/**
 * The region to sign for. The API's own host names its region, and signing for another one always fails, so the
 * host comes before AWS_REGION (often set for other work); --region decides for custom domains.
 */
export function signingRegion(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  const region = options.region ?? regionOfEndpoint(options.endpoint) ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (!region) {
    throw new UsageError('--region', `requests to ${options.endpoint.origin} are SigV4-signed and need a region: pass --region or set AWS_REGION`);
  }
  return region;
}

/** An API client for the endpoint: unsigned on loopback http, signed with the SDK's credential chain elsewhere. */
export function apiClientFor(options: GlobalOptions, env: NodeJS.ProcessEnv): ApiClient {
  return new ApiClient(options.endpoint, signerFor(options, env));
}

/** None for loopback http (the local server has no auth, so no credentials are looked up for it). */
export function signerFor(options: GlobalOptions, env: NodeJS.ProcessEnv): RequestSigner | undefined {
  if (isLoopbackHttp(options.endpoint)) return undefined;
  const region = signingRegion(options, env);
  const credentials = fromNodeProviderChain({ profile: options.profile });
  return (request) => signRequest(request, { credentials, region });
}
