// Identifiers in CodeDeploy's formats: deployment ids like d-AB12CD34E, group ids as UUIDs.
import { randomInt, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_LENGTH = 9;
const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

/**
 * A new deployment id: 'd-' and 9 characters of [A-Z0-9], from crypto.randomInt unless `random` (a [0, 1)
 * source, for reproducible tests) is given. 36^9 ≈ 10^14 ids make a clash negligible; the store's conditional
 * create catches one anyway.
 */
export function newDeploymentId(random?: () => number): string {
  let suffix = '';
  for (let i = 0; i < ID_LENGTH; i += 1) {
    suffix += ALPHABET[random === undefined ? randomInt(ALPHABET.length) : scaled(random())];
  }
  return `d-${suffix}`;
}

function scaled(sample: number): number {
  // A source outside [0, 1) would index past the alphabet and yield 'undefined' in the id.
  if (!(sample >= 0 && sample < 1)) throw new RangeError(`random() must return a number in [0, 1) (got ${sample})`);
  return Math.floor(sample * ALPHABET.length);
}

export function isDeploymentId(value: string): boolean {
  return DEPLOYMENT_ID.test(value);
}

export function newGroupId(): string {
  return randomUUID();
}
