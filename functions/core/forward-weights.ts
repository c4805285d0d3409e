// Percent shares of traffic to the integer weights an ELBv2 forward action takes. ELB weights are relative integers
// (0–999), so percents are rounded to whole numbers that still add up to exactly 100: then a weight reads as the
// percent it stands for, and 33.4/33.3/33.3 cannot round to 101 or 99.
import { type FieldProblem, ValidationError } from './errors';

export interface ForwardWeight {
  readonly targetGroupArn: string;
  readonly weight: number;
}

// Shares come from arithmetic on a traffic-shifting config (e.g. 3 × 33.33…), so their sum is only nearly 100.
const SUM_TOLERANCE = 1e-6;

/** Integer weights, in the order given, adding up to 100; a ValidationError listing every bad share. */
export function forwardWeights(shares: readonly { readonly targetGroupArn: string; readonly percent: number }[]): ForwardWeight[] {
  const problems: FieldProblem[] = [];
  if (shares.length === 0) {
    problems.push({ field: 'weights', message: 'must name at least one target group' });
  }
  const seen = new Set<string>();
  shares.forEach((share, index) => {
    if (!Number.isFinite(share.percent) || share.percent < 0 || share.percent > 100) {
      problems.push({ field: `weights[${index}].percent`, message: `must be between 0 and 100, got ${share.percent}` });
    }
    if (seen.has(share.targetGroupArn)) {
      problems.push({ field: `weights[${index}].targetGroupArn`, message: `names ${share.targetGroupArn} a second time` });
    }
    seen.add(share.targetGroupArn);
  });
  const sum = shares.reduce((total, share) => total + share.percent, 0);
  if (shares.length > 0 && Math.abs(sum - 100) > SUM_TOLERANCE) {
    problems.push({ field: 'weights', message: `percents must add up to 100, got ${sum}` });
  }
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }

  // Largest remainder: everyone gets the floor, and the points left over go to the largest fractions (ties to the
  // earlier entry), so no share moves by a whole point or more.
  const floors = shares.map((share) => Math.floor(share.percent + SUM_TOLERANCE));
  let left = 100 - floors.reduce((total, weight) => total + weight, 0);
  const byRemainder = shares
    .map((share, index) => ({ index, remainder: share.percent - floors[index] }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    floors[index] += 1;
    left -= 1;
  }
  return shares.map((share, index) => ({ targetGroupArn: share.targetGroupArn, weight: floors[index] }));
}
