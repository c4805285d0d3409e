import { ValidationError } from '../../functions/core/errors';
import { forwardWeights } from '../../functions/core/forward-weights';

const arns = ['tg/blue', 'tg/green', 'tg/gray'];
const shares = (...percents: number[]) => percents.map((percent, index) => ({ targetGroupArn: arns[index], percent }));

describe('forwardWeights', () => {
  it.each<[string, number[], number[]]>([
    ['whole percents as they are', [90, 10], [90, 10]],
    ['a target group at 0 kept, so it stays attached', [0, 100], [0, 100]],
    ['one group alone', [100], [100]],
    ['fractions rounded to the nearest, still adding up to 100', [66.7, 33.3], [67, 33]],
    ['thirds: the leftover point to the earlier entry', [100 / 3, 100 / 3, 100 / 3], [34, 33, 33]],
    ['the largest fraction getting the leftover point', [33.3, 33.4, 33.3], [33, 34, 33]],
    ['sums a hair off 100 from arithmetic', [0.1 * 3 * 100, 100 - 0.1 * 3 * 100], [30, 70]],
  ])('turns %s into integer weights', (_label, percents, weights) => {
    const result = forwardWeights(shares(...percents));

    expect(result.map((entry) => entry.weight)).toEqual(weights);
    expect(result.map((entry) => entry.targetGroupArn)).toEqual(arns.slice(0, percents.length));
  });

  it.each<[string, { targetGroupArn: string; percent: number }[], { field: string; message: string }[]]>([
    ['no target group', [], [{ field: 'weights', message: 'must name at least one target group' }]],
    ['shares under 100', shares(50, 30), [{ field: 'weights', message: 'percents must add up to 100, got 80' }]],
    [
      'a negative share',
      shares(110, -10),
      [{ field: 'weights[1].percent', message: 'must be between 0 and 100, got -10' }, { field: 'weights[0].percent', message: 'must be between 0 and 100, got 110' }],
    ],
    ['NaN', shares(Number.NaN, 100), [{ field: 'weights[0].percent', message: 'must be between 0 and 100, got NaN' }]],
    [
      'a target group named twice',
      [
        { targetGroupArn: 'tg/blue', percent: 50 },
        { targetGroupArn: 'tg/blue', percent: 50 },
      ],
      [{ field: 'weights[1].targetGroupArn', message: 'names tg/blue a second time' }],
    ],
  ])('refuses %s, listing every problem', (_label, input, problems) => {
    let caught: unknown;
    try {
      forwardWeights(input);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems).toEqual(expect.arrayContaining(problems));
    expect((caught as ValidationError).problems).toHaveLength(problems.length);
  });
});
