// Lambda deployments on real Lambda: the alias moves from CurrentVersion to TargetVersion through UpdateAlias, and
// lifecycle hooks are functions invoked asynchronously. Weights are percents everywhere else in Cutover; Lambda's
// AdditionalVersionWeights is a fraction (0.0–1.0), converted here and nowhere else.
import {
  type AliasConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  PreconditionFailedException,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { PUBLISHED_VERSION, WEIGHT_STEPS_PER_PERCENT, checkAliasServesOnly, routingFor } from '../core/alias-routing';
import { CutoverError, NotFoundError } from '../core/errors';
import type { AliasRouting, AliasTraffic, HookInvocation } from '../ports';
import { withStepErrors } from './retryable-errors';

export interface LambdaAliasTrafficOptions {
  readonly client: LambdaClient;
}

/** Invoke's status for an accepted asynchronous invocation. */
const QUEUED = 202;
/** UpdateAlias attempts, each on a fresh read, before a shift gives up on an alias that keeps changing. */
const SHIFT_ATTEMPTS = 2;

export class LambdaAliasTraffic implements AliasTraffic {
  private readonly client: LambdaClient;

  public constructor(options: LambdaAliasTrafficOptions) {
    this.client = options.client;
  }

  public describe(functionName: string, alias: string): Promise<AliasRouting> {
    return withStepErrors(() => this.readAlias(functionName, alias));
  }

  public async versionExists(functionName: string, version: string): Promise<boolean> {
    // GetFunctionConfiguration takes an alias or $LATEST as Qualifier too and would answer yes for them.
    if (!PUBLISHED_VERSION.test(version)) return false;
    return withStepErrors(async () => {
      try {
        await this.client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version }));
        return true;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return false;
        throw error;
      }
    });
  }

  public async shift(
    functionName: string,
    alias: string,
    currentVersion: string,
    targetVersion: string,
    targetPercent: number,
  ): Promise<void> {
    const routing = routingFor(functionName, alias, currentVersion, targetVersion, targetPercent);
    const update = (revisionId: string | undefined) =>
      this.client.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: routing.functionVersion,
          // Always sent, empty when unsplit: leaving RoutingConfig out would keep the weights of the last shift.
          RoutingConfig: { AdditionalVersionWeights: toFractions(routing.additionalVersionWeights) },
          ...(revisionId === undefined ? {} : { RevisionId: revisionId }),
        }),
      );
    await withStepErrors(async () => {
      // A RevisionId mismatch means someone changed the alias between our read and write. Our write is absolute, so
      // one more try on a fresh read is safe, provided the change left the alias on our two versions.
      for (let attempt = 1; ; attempt += 1) {
        const current = await this.readAlias(functionName, alias);
        checkAliasServesOnly(functionName, alias, current, currentVersion, targetVersion);
        try {
          await update(current.revisionId);
          return;
        } catch (error) {
          if (!(error instanceof PreconditionFailedException)) throw error;
          if (attempt === SHIFT_ATTEMPTS) {
            throw new CutoverError(
              `Lambda alias '${functionName}:${alias}' kept changing while Cutover shifted it to ${describeRouting(routing)} ` +
                '(RevisionId mismatch twice): something else is updating it at the same time',
              { cause: error },
            );
          }
        }
      }
    });
  }

  public invokeHook(hookFunction: string, payload: HookInvocation): Promise<void> {
    return withStepErrors(async () => {
      const response = await this.client.send(
        new InvokeCommand({
          FunctionName: hookFunction,
          // Event: Lambda queues the call and answers 202 at once; the hook reports back through the API, so a
          // step never holds a Lambda of its own open for as long as the hook runs.
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (response.StatusCode !== QUEUED) {
        throw new CutoverError(`Lambda did not queue hook function '${hookFunction}' (status ${response.StatusCode ?? 'none'}, expected ${QUEUED})`);
      }
    });
  }

  private async readAlias(functionName: string, alias: string): Promise<AliasRouting> {
    let configuration: AliasConfiguration;
    try {
      configuration = await this.client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new NotFoundError('Lambda alias', `${functionName}:${alias}`, { cause: error });
      }
      throw error;
    }
    return {
      functionVersion: configuration.FunctionVersion ?? '',
      additionalVersionWeights: toPercents(configuration.RoutingConfig?.AdditionalVersionWeights ?? {}),
      ...(configuration.RevisionId === undefined ? {} : { revisionId: configuration.RevisionId }),
    };
  }
}

/** Percents on the 0.01 % grid become fractions with at most 4 decimals, computed from integers (no float noise). */
function toFractions(percents: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(percents).map(([version, percent]) => [version, Math.round(percent * WEIGHT_STEPS_PER_PERCENT) / (100 * WEIGHT_STEPS_PER_PERCENT)]),
  );
}

/**
 * Fractions set by anyone (a console user may set 0.123456) become percents without losing digits, only the float
 * noise of the multiplication (0.07 * 100 = 7.000000000000001).
 */
function toPercents(fractions: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(fractions).map(([version, fraction]) => [version, Number((fraction * 100).toPrecision(12))]));
}

function describeRouting(routing: Omit<AliasRouting, 'revisionId'>): string {
  const split = Object.entries(routing.additionalVersionWeights);
  if (split.length === 0) return `version ${routing.functionVersion}`;
  return `version ${routing.functionVersion} with ${split.map(([version, percent]) => `${percent} % on version ${version}`).join(', ')}`;
}
