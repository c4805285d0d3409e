import { PREDEFINED_TRAFFIC_CONFIGS } from '../../functions/core/traffic-configs';
import type { TrafficRoutingConfig } from '../../functions/core/traffic-configs';
import { linearStepCount, scheduleSpanMinutes, trafficSchedule } from '../../functions/core/traffic-schedule';
import type { TrafficStep } from '../../functions/core/traffic-schedule';
import { canary, linear } from '../support/traffic-routing';

/** Ten steps of 10 %, `minutes` apart: every predefined linear config. */
const tenPercentEvery = (minutes: number): TrafficStep[] =>
  [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((weight, index) => ({ atSeconds: index * minutes * 60, weight }));

describe('trafficSchedule of the predefined configs', () => {
  it.each<[string, TrafficStep[], number]>([
    ['CodeDeployDefault.LambdaAllAtOnce', [{ atSeconds: 0, weight: 100 }], 0],
    ['CodeDeployDefault.LambdaCanary10Percent5Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 300, weight: 100 }], 5],
    ['CodeDeployDefault.LambdaCanary10Percent10Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 600, weight: 100 }], 10],
    ['CodeDeployDefault.LambdaCanary10Percent15Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 900, weight: 100 }], 15],
    ['CodeDeployDefault.LambdaCanary10Percent30Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 1800, weight: 100 }], 30],
    ['CodeDeployDefault.LambdaLinear10PercentEvery1Minute', tenPercentEvery(1), 9],
    ['CodeDeployDefault.LambdaLinear10PercentEvery2Minutes', tenPercentEvery(2), 18],
    ['CodeDeployDefault.LambdaLinear10PercentEvery3Minutes', tenPercentEvery(3), 27],
    ['CodeDeployDefault.LambdaLinear10PercentEvery10Minutes', tenPercentEvery(10), 90],
    ['CodeDeployDefault.ECSAllAtOnce', [{ atSeconds: 0, weight: 100 }], 0],
    ['CodeDeployDefault.ECSLinear10PercentEvery1Minutes', tenPercentEvery(1), 9],
    ['CodeDeployDefault.ECSLinear10PercentEvery3Minutes', tenPercentEvery(3), 27],
    ['CodeDeployDefault.ECSCanary10Percent5Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 300, weight: 100 }], 5],
    ['CodeDeployDefault.ECSCanary10Percent15Minutes', [{ atSeconds: 0, weight: 10 }, { atSeconds: 900, weight: 100 }], 15],
  ])('%s', (name, schedule, spanMinutes) => {
    const config = PREDEFINED_TRAFFIC_CONFIGS.find((candidate) => candidate.deploymentConfigName === name);
    expect(config).toBeDefined();
    expect(trafficSchedule(config!)).toEqual(schedule);
    expect(scheduleSpanMinutes(config!)).toBe(spanMinutes);
  });

  it('has a row above for every predefined config', () => {
    // Guards the table: a config added to the list without a schedule row would go untested.
    expect(PREDEFINED_TRAFFIC_CONFIGS).toHaveLength(14);
  });
});

describe('trafficSchedule of custom configs', () => {
  it.each<[string, TrafficRoutingConfig, TrafficStep[], number]>([
    ['AllAtOnce', { type: 'AllAtOnce' }, [{ atSeconds: 0, weight: 100 }], 0],
    ['canary 99 % for 1 minute', canary(99, 1), [{ atSeconds: 0, weight: 99 }, { atSeconds: 60, weight: 100 }], 1],
    ['canary 1 % for 2880 minutes', canary(1, 2880), [{ atSeconds: 0, weight: 1 }, { atSeconds: 172_800, weight: 100 }], 2880],
    [
      'linear 33 % every 5 minutes leaves a 1 % last step',
      linear(33, 5),
      [
        { atSeconds: 0, weight: 33 },
        { atSeconds: 300, weight: 66 },
        { atSeconds: 600, weight: 99 },
        { atSeconds: 900, weight: 100 },
      ],
      15,
    ],
    ['linear 50 % every 7 minutes', linear(50, 7), [{ atSeconds: 0, weight: 50 }, { atSeconds: 420, weight: 100 }], 7],
    ['linear 99 % every 2880 minutes', linear(99, 2880), [{ atSeconds: 0, weight: 99 }, { atSeconds: 172_800, weight: 100 }], 2880],
    [
      'linear 30 % every 2 minutes caps the last step at 100',
      linear(30, 2),
      [
        { atSeconds: 0, weight: 30 },
        { atSeconds: 120, weight: 60 },
        { atSeconds: 240, weight: 90 },
        { atSeconds: 360, weight: 100 },
      ],
      6,
    ],
    [
      'linear 25 % every minute ends exactly on 100',
      linear(25, 1),
      [
        { atSeconds: 0, weight: 25 },
        { atSeconds: 60, weight: 50 },
        { atSeconds: 120, weight: 75 },
        { atSeconds: 180, weight: 100 },
      ],
      3,
    ],
  ])('%s', (_label, config, schedule, spanMinutes) => {
    expect(trafficSchedule(config)).toEqual(schedule);
    expect(scheduleSpanMinutes(config)).toBe(spanMinutes);
  });

  it('shifts linear 1 % every minute in 100 steps, 1 % more each minute, over 99 minutes', () => {
    const schedule = trafficSchedule(linear(1, 1));
    expect(schedule).toHaveLength(100);
    expect(schedule).toEqual(Array.from({ length: 100 }, (_, index) => ({ atSeconds: index * 60, weight: index + 1 })));
    expect(scheduleSpanMinutes(linear(1, 1))).toBe(99);
  });

  it.each<[number, number]>([
    [1, 100],
    [3, 34],
    [10, 10],
    [33, 4],
    [34, 3],
    [50, 2],
    [51, 2],
    [99, 2],
  ])('linear %d %% takes %d steps', (percentage, steps) => {
    expect(linearStepCount(percentage)).toBe(steps);
    expect(trafficSchedule(linear(percentage, 1))).toHaveLength(steps);
  });

  it('takes a whole deployment config as well as its trafficRoutingConfig', () => {
    const routing = linear(40, 4);
    expect(trafficSchedule({ deploymentConfigName: 'Mine', computePlatform: 'ECS', trafficRoutingConfig: routing })).toEqual(
      trafficSchedule(routing),
    );
  });
});

describe('trafficSchedule of a config that bypassed validation', () => {
  it.each<[string, TrafficRoutingConfig, RegExp]>([
    ['linear 0 %', linear(0, 1), /linearPercentage must be an integer from 1 to 99 \(got 0\)/],
    ['linear 100 %', linear(100, 1), /linearPercentage .* \(got 100\)/],
    ['linear 12.5 %', linear(12.5, 1), /linearPercentage .* \(got 12\.5\)/],
    ['linear every 0 minutes', linear(10, 0), /linearInterval must be a whole number of minutes, 1 or more \(got 0\)/],
    ['canary NaN %', canary(Number.NaN, 5), /canaryPercentage .* \(got NaN\)/],
    ['canary after 1.5 minutes', canary(10, 1.5), /canaryInterval .* \(got 1\.5\)/],
  ])('refuses %s rather than loop or wait a fraction', (_label, config, message) => {
    expect(() => trafficSchedule(config)).toThrow(RangeError);
    expect(() => trafficSchedule(config)).toThrow(message);
  });
});
