// Lambda on loopback (restJson1): the calls Lambda deployments make. Functions have published versions and aliases;
// GetAlias, UpdateAlias (with RevisionId checks), GetFunctionConfiguration of a version, and asynchronous Invoke, which
// answers 202 and then runs the function registered for that name in-process, as Lambda runs a queued event.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { type LoopbackServer, listenOnLoopback } from './loopback-server';

/** A function the stand-in runs when it is invoked: the payload, parsed. */
export type StandInFunction = (payload: unknown) => Promise<void>;

interface Alias {
  functionVersion: string;
  weights: Record<string, number>;
  revisionId: string;
}

interface StandInLambdaFunction {
  readonly versions: Set<string>;
  readonly aliases: Map<string, Alias>;
  readonly code?: StandInFunction;
}

/** One UpdateAlias that went through: where the alias pointed after it. */
export interface AliasUpdate {
  readonly functionName: string;
  readonly alias: string;
  readonly functionVersion: string;
  /** AdditionalVersionWeights as sent: fractions. */
  readonly weights: Readonly<Record<string, number>>;
}

class LambdaError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly status: number,
  ) {
    super(message);
  }
}

const API = '/2015-03-31/functions/';

export class LambdaStandIn {
  public readonly updates: AliasUpdate[] = [];
  public readonly invocations: { readonly functionName: string; readonly payload: unknown }[] = [];
  private readonly functions = new Map<string, StandInLambdaFunction>();
  private readonly running = new Set<Promise<void>>();

  private constructor(
    private readonly server: LoopbackServer,
    private readonly account: string,
    private readonly region: string,
  ) {}

  public static async start(options: { readonly account: string; readonly region: string }): Promise<LambdaStandIn> {
    let stand: LambdaStandIn | undefined;
    const server = await listenOnLoopback(http.createServer((request, response) => void stand?.handle(request, response)));
    stand = new LambdaStandIn(server, options.account, options.region);
    return stand;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** A function with these published versions; `code` runs when it is invoked. */
  public addFunction(name: string, versions: readonly string[], code?: StandInFunction): void {
    this.functions.set(name, { versions: new Set(versions), aliases: new Map(), code });
  }

  public createAlias(functionName: string, alias: string, functionVersion: string): void {
    this.lookup(functionName).aliases.set(alias, { functionVersion, weights: {}, revisionId: randomUUID() });
  }

  public alias(functionName: string, alias: string): { functionVersion: string; weights: Record<string, number> } {
    const found = this.lookup(functionName).aliases.get(alias);
    if (found === undefined) throw new Error(`no alias ${functionName}:${alias}`);
    return { functionVersion: found.functionVersion, weights: { ...found.weights } };
  }

  /** Resolves once every invoked function has returned. */
  public async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  public async close(): Promise<void> {
    await this.idle();
    await this.server.close();
  }

  private lookup(name: string): StandInLambdaFunction {
    const found = this.functions.get(name);
    if (found === undefined) throw new LambdaError('ResourceNotFoundException', `Function not found: ${this.arnOf(name)}`, 404);
    return found;
  }

  private arnOf(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.region}:${this.account}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    try {
      const { status, output } = this.route(request, body);
      const text = output === undefined ? '' : JSON.stringify(output);
      response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
      response.end(text);
    } catch (error) {
      const failure = error instanceof LambdaError ? error : new LambdaError('ServiceException', String(error), 500);
      const text = JSON.stringify({ Type: failure.status >= 500 ? 'Service' : 'User', Message: failure.message });
      response.writeHead(failure.status, { 'content-type': 'application/json', 'x-amzn-errortype': failure.type, 'x-amzn-requestid': randomUUID() });
      response.end(text);
    }
  }

  private route(request: http.IncomingMessage, body: string): { status: number; output?: unknown } {
    const url = new URL(request.url ?? '/', 'http://lambda');
    if (!url.pathname.startsWith(API)) throw new LambdaError('UnknownOperationException', `no route for ${url.pathname}`, 404);
    const [name, resource, aliasName] = url.pathname.slice(API.length).split('/').map(decodeURIComponent);
    const fn = this.lookup(name);
    if (resource === 'aliases' && aliasName !== undefined) {
      const alias = fn.aliases.get(aliasName);
      if (alias === undefined) throw new LambdaError('ResourceNotFoundException', `Alias not found: ${this.arnOf(name, aliasName)}`, 404);
      if (request.method === 'PUT') this.updateAlias(name, aliasName, alias, fn, JSON.parse(body) as Record<string, unknown>);
      return { status: 200, output: this.aliasOutput(name, aliasName, alias) };
    }
    if (resource === 'configuration' && request.method === 'GET') {
      const qualifier = url.searchParams.get('Qualifier') ?? '$LATEST';
      const version = fn.aliases.get(qualifier)?.functionVersion ?? qualifier;
      if (version !== '$LATEST' && !fn.versions.has(version)) {
        throw new LambdaError('ResourceNotFoundException', `Function not found: ${this.arnOf(name, qualifier)}`, 404);
      }
      return { status: 200, output: { FunctionName: name, FunctionArn: this.arnOf(name, qualifier), Version: version, State: 'Active' } };
    }
    if (resource === 'invocations' && request.method === 'POST') {
      if (request.headers['x-amz-invocation-type'] !== 'Event') throw new LambdaError('InvalidParameterValueException', 'the stand-in runs Event invocations only', 400);
      const payload: unknown = JSON.parse(body);
      this.invocations.push({ functionName: name, payload });
      const run = (fn.code ?? (async () => undefined))(payload).catch(() => undefined);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
      return { status: 202 };
    }
    throw new LambdaError('UnknownOperationException', `no route for ${request.method ?? ''} ${url.pathname}`, 404);
  }

  private updateAlias(name: string, aliasName: string, alias: Alias, fn: StandInLambdaFunction, input: Record<string, unknown>): void {
    if (input.RevisionId !== undefined && input.RevisionId !== alias.revisionId) {
      throw new LambdaError('PreconditionFailedException', 'The RevisionId provided does not match the latest RevisionId for the Lambda function or alias.', 412);
    }
    const functionVersion = typeof input.FunctionVersion === 'string' ? input.FunctionVersion : alias.functionVersion;
    const routing = input.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined;
    const weights = routing === undefined ? alias.weights : { ...(routing.AdditionalVersionWeights ?? {}) };
    for (const version of [functionVersion, ...Object.keys(weights)]) {
      if (!fn.versions.has(version)) throw new LambdaError('ResourceNotFoundException', `Function not found: ${this.arnOf(name, version)}`, 404);
    }
    Object.assign(alias, { functionVersion, weights, revisionId: randomUUID() });
    this.updates.push({ functionName: name, alias: aliasName, functionVersion, weights: { ...weights } });
  }

  private aliasOutput(name: string, aliasName: string, alias: Alias): unknown {
    return {
      AliasArn: this.arnOf(name, aliasName),
      Name: aliasName,
      FunctionVersion: alias.functionVersion,
      ...(Object.keys(alias.weights).length === 0 ? {} : { RoutingConfig: { AdditionalVersionWeights: alias.weights } }),
      RevisionId: alias.revisionId,
    };
  }
}
