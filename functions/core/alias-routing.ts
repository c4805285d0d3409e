// What an alias shift writes, decided once for both AliasTraffic backends (Lambda and the local simulation), so the
// simulation refuses exactly what Lambda would and both agree on the weight a percent becomes.
import type { AliasRouting } from '../ports';
import { CutoverError, ValidationError } from './errors';

/** A published version: Lambda refuses $LATEST (and anything else) in a split alias. */
export const PUBLISHED_VERSION = /^[0-9]+$/;

/**
 * Smallest share a split gives either version, in percent. Lambda's model types a weight as a double in [0.0, 1.0]
 * and documents no precision (botocore lambda 2015-03-31, shape Weight); CodeDeploy's configs move whole percents.
 * Steps of 0.01 % (4 decimals as a fraction) cover any config and keep float noise such as 0.07000000000000001 off
 * the wire. A split is clamped to [0.01, 99.99] so that rounding never turns it into "no split" without saying so.
 */
export const WEIGHT_STEPS_PER_PERCENT = 100;

/** The routing `shift` writes: percents, as the port speaks them. */
export function routingFor(
  functionName: string,
  alias: string,
  currentVersion: string,
  targetVersion: string,
  targetPercent: number,
): Omit<AliasRouting, 'revisionId'> {
  const problems = [
    ...versionProblems('currentVersion', currentVersion),
    ...versionProblems('targetVersion', targetVersion),
    ...(Number.isFinite(targetPercent) && targetPercent >= 0 && targetPercent <= 100
      ? []
      : [{ field: 'targetPercent', message: `${targetPercent} is not a percent between 0 and 100` }]),
  ];
  const split = targetPercent > 0 && targetPercent < 100;
  if (split && currentVersion === targetVersion) {
    problems.push({ field: 'targetVersion', message: `${functionName}:${alias} cannot split traffic between version ${targetVersion} and itself` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  if (targetPercent === 0) return { functionVersion: currentVersion, additionalVersionWeights: {} };
  if (targetPercent === 100) return { functionVersion: targetVersion, additionalVersionWeights: {} };
  return { functionVersion: currentVersion, additionalVersionWeights: { [targetVersion]: splitPercent(targetPercent) } };
}

/** A split's percent on the 0.01 % grid, never 0 or 100. */
export function splitPercent(percent: number): number {
  const steps = Math.min(Math.max(Math.round(percent * WEIGHT_STEPS_PER_PERCENT), 1), 100 * WEIGHT_STEPS_PER_PERCENT - 1);
  // Dividing the integer count (rather than multiplying by 0.01) gives the nearest double: 7, not 7.000000000000001.
  return steps / WEIGHT_STEPS_PER_PERCENT;
}

/**
 * Refuses to write over an alias that sends traffic to a version outside the shift: a shift sets the alias whole, so
 * writing it would silently take that version's traffic away from whoever put it there.
 */
export function checkAliasServesOnly(
  functionName: string,
  alias: string,
  routing: Omit<AliasRouting, 'revisionId'>,
  currentVersion: string,
  targetVersion: string,
): void {
  const ours = new Set([currentVersion, targetVersion]);
  const served = [routing.functionVersion, ...Object.keys(routing.additionalVersionWeights)];
  const others = served.filter((version) => !ours.has(version));
  if (others.length > 0) {
    throw new CutoverError(
      `Lambda alias '${functionName}:${alias}' serves version ${others.join(', ')}, neither CurrentVersion ${currentVersion} ` +
        `nor TargetVersion ${targetVersion}: another deployment or a manual change owns it, so Cutover leaves it alone`,
    );
  }
}

function versionProblems(field: string, version: string): { field: string; message: string }[] {
  return PUBLISHED_VERSION.test(version)
    ? []
    : [{ field, message: `'${version}' is not a published version number (a split alias cannot use $LATEST or an alias)` }];
}
