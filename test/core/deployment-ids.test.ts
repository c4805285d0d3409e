import { isDeploymentId, newDeploymentId, newGroupId } from '../../functions/core/deployment-ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A [0, 1) source that replays the given values in a loop. */
const replay = (...values: number[]): (() => number) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('newDeploymentId', () => {
  it.each<[string, () => number, string]>([
    ['lowest value → all A', replay(0), 'd-AAAAAAAAA'],
    ['just below 1 → all 9', replay(0.999999), 'd-999999999'],
    ['Z is index 25', replay(25 / 36), 'd-ZZZZZZZZZ'],
    ['0 is index 26', replay(26 / 36 + 0.001), 'd-000000000'],
    ['mixed sequence', replay(0, 1 / 36, 2 / 36, 35 / 36), 'd-ABC9ABC9A'],
  ])('%s', (_label, random, expected) => {
    expect(newDeploymentId(random)).toBe(expected);
  });

  it.each([1, -0.1, Number.NaN, 2])('refuses a random source returning %d', (value) => {
    expect(() => newDeploymentId(replay(value))).toThrow(RangeError);
  });

  it('makes well-formed, distinct ids from crypto by default', () => {
    const ids = Array.from({ length: 200 }, () => newDeploymentId());
    for (const id of ids) expect(isDeploymentId(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // 1800 characters from 36 symbols: every one of them should show up.
    expect(new Set(ids.join('').replace(/d-/g, '')).size).toBe(36);
  });
});

describe('isDeploymentId', () => {
  it.each([
    ['d-ABCDEF123', true],
    ['d-000000000', true],
    ['d-ABCDEF12', false],
    ['d-ABCDEF1234', false],
    ['d-abcdef123', false],
    ['D-ABCDEF123', false],
    ['x-ABCDEF123', false],
    ['d-ABCDEF12_', false],
    [' d-ABCDEF123', false],
    ['d-ABCDEF123\n', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isDeploymentId(value)).toBe(expected);
  });
});

describe('newGroupId', () => {
  it('makes distinct version-4 UUIDs', () => {
    const ids = Array.from({ length: 50 }, () => newGroupId());
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(50);
  });
});
