import { NotFoundError, ValidationError } from '../../functions/core/errors';
import {
  MAX_SHIFT_SPAN_MINUTES,
  PREDEFINED_TRAFFIC_CONFIGS,
  findTrafficConfig,
  isPredefinedTrafficConfigName,
  parseCustomTrafficConfig,
} from '../../functions/core/traffic-configs';
import type { TrafficDeploymentConfig, TrafficRoutingConfig } from '../../functions/core/traffic-configs';
import { scheduleSpanMinutes } from '../../functions/core/traffic-schedule';
import { ALL_AT_ONCE, canary, linear } from '../support/traffic-routing';

function problemsOf(input: unknown): { field: string; message: string }[] {
  try {
    parseCustomTrafficConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(({ field, message }) => ({ field, message }));
  }
  throw new Error('expected a ValidationError');
}

describe('predefined traffic configs', () => {
  it.each<[string, 'Lambda' | 'ECS', TrafficRoutingConfig]>([
    ['CodeDeployDefault.LambdaAllAtOnce', 'Lambda', ALL_AT_ONCE],
    ['CodeDeployDefault.LambdaCanary10Percent5Minutes', 'Lambda', canary(10, 5)],
    ['CodeDeployDefault.LambdaCanary10Percent10Minutes', 'Lambda', canary(10, 10)],
    ['CodeDeployDefault.LambdaCanary10Percent15Minutes', 'Lambda', canary(10, 15)],
    ['CodeDeployDefault.LambdaCanary10Percent30Minutes', 'Lambda', canary(10, 30)],
    ['CodeDeployDefault.LambdaLinear10PercentEvery1Minute', 'Lambda', linear(10, 1)],
    ['CodeDeployDefault.LambdaLinear10PercentEvery2Minutes', 'Lambda', linear(10, 2)],
    ['CodeDeployDefault.LambdaLinear10PercentEvery3Minutes', 'Lambda', linear(10, 3)],
    ['CodeDeployDefault.LambdaLinear10PercentEvery10Minutes', 'Lambda', linear(10, 10)],
    ['CodeDeployDefault.ECSAllAtOnce', 'ECS', ALL_AT_ONCE],
    ['CodeDeployDefault.ECSLinear10PercentEvery1Minutes', 'ECS', linear(10, 1)],
    ['CodeDeployDefault.ECSLinear10PercentEvery3Minutes', 'ECS', linear(10, 3)],
    ['CodeDeployDefault.ECSCanary10Percent5Minutes', 'ECS', canary(10, 5)],
    ['CodeDeployDefault.ECSCanary10Percent15Minutes', 'ECS', canary(10, 15)],
  ])('%s is %s with %j', (name, computePlatform, trafficRoutingConfig) => {
    const expected: TrafficDeploymentConfig = { deploymentConfigName: name, computePlatform, trafficRoutingConfig };
    expect(PREDEFINED_TRAFFIC_CONFIGS).toContainEqual(expected);
    expect(findTrafficConfig(name, computePlatform)).toEqual(expected);
    expect(isPredefinedTrafficConfigName(name)).toBe(true);
  });

  it('lists exactly the 9 Lambda and 5 ECS configs, each name once', () => {
    const names = PREDEFINED_TRAFFIC_CONFIGS.map((config) => config.deploymentConfigName);
    expect(new Set(names).size).toBe(names.length);
    expect(PREDEFINED_TRAFFIC_CONFIGS.filter((config) => config.computePlatform === 'Lambda')).toHaveLength(9);
    expect(PREDEFINED_TRAFFIC_CONFIGS.filter((config) => config.computePlatform === 'ECS')).toHaveLength(5);
  });

  it('keeps every predefined config within the limits custom ones are held to', () => {
    for (const config of PREDEFINED_TRAFFIC_CONFIGS) {
      expect(scheduleSpanMinutes(config)).toBeLessThanOrEqual(MAX_SHIFT_SPAN_MINUTES);
    }
  });

  it('cannot be changed through the exported list', () => {
    const [first] = PREDEFINED_TRAFFIC_CONFIGS;
    const sample = PREDEFINED_TRAFFIC_CONFIGS.find((config) => config.trafficRoutingConfig.type === 'TimeBasedLinear')!;
    expect(Object.isFrozen(PREDEFINED_TRAFFIC_CONFIGS)).toBe(true);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(sample.trafficRoutingConfig)).toBe(true);
    expect(sample.trafficRoutingConfig.type === 'TimeBasedLinear' && Object.isFrozen(sample.trafficRoutingConfig.timeBasedLinear)).toBe(true);
  });

  it.each([
    ['CodeDeployDefault.OneAtATime', false],
    ['CodeDeployDefault.AllAtOnce', false],
    ['CodeDeployDefault.lambdaallatonce', false],
    ['CodeDeployDefault.ECSLinear10PercentEvery1Minute', false],
    ['CodeDeployDefault.LambdaLinear10PercentEvery1Minutes', false],
    ['LambdaAllAtOnce', false],
    ['', false],
  ])('isPredefinedTrafficConfigName(%j) is %s', (name, expected) => {
    expect(isPredefinedTrafficConfigName(name)).toBe(expected);
  });
});

describe('findTrafficConfig', () => {
  const custom: TrafficDeploymentConfig[] = [
    { deploymentConfigName: 'SlowCanary', computePlatform: 'Lambda', trafficRoutingConfig: canary(5, 60) },
    { deploymentConfigName: 'ThirdsEcs', computePlatform: 'ECS', trafficRoutingConfig: linear(33, 2) },
  ];

  it.each<[string, 'Lambda' | 'ECS', TrafficRoutingConfig]>([
    ['SlowCanary', 'Lambda', canary(5, 60)],
    ['ThirdsEcs', 'ECS', linear(33, 2)],
    ['CodeDeployDefault.ECSAllAtOnce', 'ECS', ALL_AT_ONCE],
  ])('finds %s for %s', (name, platform, trafficRoutingConfig) => {
    expect(findTrafficConfig(name, platform, custom)).toEqual({
      deploymentConfigName: name,
      computePlatform: platform,
      trafficRoutingConfig,
    });
  });

  it.each<[string, 'Lambda' | 'ECS', RegExp]>([
    ['CodeDeployDefault.LambdaAllAtOnce', 'ECS', /^names a deployment config for Lambda, not ECS \(got "CodeDeployDefault\.LambdaAllAtOnce"\)$/],
    ['CodeDeployDefault.ECSCanary10Percent5Minutes', 'Lambda', /^names a deployment config for ECS, not Lambda/],
    ['ThirdsEcs', 'Lambda', /^names a deployment config for ECS, not Lambda \(got "ThirdsEcs"\)$/],
    ['CodeDeployDefault.OneAtATime', 'Lambda', /^names a deployment config for Server, not Lambda/],
    ['CodeDeployDefault.AllAtOnce', 'ECS', /^names a deployment config for Server, not ECS/],
  ])('refuses %s for a %s deployment, naming its platform', (name, platform, message) => {
    try {
      findTrafficConfig(name, platform, custom);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([
        { field: 'deploymentConfigName', message: expect.stringMatching(message) },
      ]);
    }
  });

  it.each(['Missing', 'slowcanary', 'CodeDeployDefault.LambdaCanary10Percent1Minutes', ''])(
    'throws NotFoundError for %j',
    (name) => {
      expect(() => findTrafficConfig(name, 'Lambda', custom)).toThrow(NotFoundError);
      expect(() => findTrafficConfig(name, 'Lambda', custom)).toThrow(`Deployment config '${name}' does not exist`);
    },
  );
});

describe('parseCustomTrafficConfig', () => {
  const body = (trafficRoutingConfig: unknown, computePlatform: unknown = 'Lambda', deploymentConfigName: unknown = 'Mine') => ({
    deploymentConfigName,
    computePlatform,
    trafficRoutingConfig,
  });

  it.each<[string, unknown, TrafficDeploymentConfig]>([
    ['AllAtOnce', body(ALL_AT_ONCE), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: ALL_AT_ONCE }],
    ['canary 99 %', body(canary(99, 1), 'ECS'), { deploymentConfigName: 'Mine', computePlatform: 'ECS', trafficRoutingConfig: canary(99, 1) }],
    ['canary 1 % for 2880 minutes', body(canary(1, 2880)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: canary(1, 2880) }],
    ['linear 33 %', body(linear(33, 10)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(33, 10) }],
    ['linear 50 %', body(linear(50, 2880)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(50, 2880) }],
    ['linear 99 %', body(linear(99, 2880)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(99, 2880) }],
    ['linear 1 % every minute: 100 steps over 99 minutes', body(linear(1, 1)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(1, 1) }],
    ['linear 1 % every 29 minutes: 2871 minutes', body(linear(1, 29)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(1, 29) }],
    ['linear 10 % every 320 minutes: exactly 2880', body(linear(10, 320)), { deploymentConfigName: 'Mine', computePlatform: 'Lambda', trafficRoutingConfig: linear(10, 320) }],
    [
      'a name of every allowed character',
      body(ALL_AT_ONCE, 'ECS', 'a.b_c+d=e,f@g-h'),
      { deploymentConfigName: 'a.b_c+d=e,f@g-h', computePlatform: 'ECS', trafficRoutingConfig: ALL_AT_ONCE },
    ],
    [
      'the reserved prefix inside a name',
      body(ALL_AT_ONCE, 'ECS', 'MyCodeDeployDefault.X'),
      { deploymentConfigName: 'MyCodeDeployDefault.X', computePlatform: 'ECS', trafficRoutingConfig: ALL_AT_ONCE },
    ],
  ])('accepts %s', (_label, input, expected) => {
    expect(parseCustomTrafficConfig(input)).toEqual(expected);
  });

  it('returns objects of its own, not the caller’s', () => {
    const input = body(linear(20, 3));
    const parsed = parseCustomTrafficConfig(input);
    expect(parsed.trafficRoutingConfig).not.toBe(input.trafficRoutingConfig);
    expect(parsed.trafficRoutingConfig).toEqual(input.trafficRoutingConfig);
  });

  const CANARY = 'trafficRoutingConfig.timeBasedCanary';
  const LINEAR = 'trafficRoutingConfig.timeBasedLinear';
  it.each<[string, unknown, string, RegExp]>([
    ['canary 0 %', body(canary(0, 5)), `${CANARY}.canaryPercentage`, /^must be an integer from 1 to 99.*\(got 0\)$/],
    ['canary 100 %', body(canary(100, 5)), `${CANARY}.canaryPercentage`, /integer from 1 to 99.*\(got 100\)$/],
    ['canary 100.5 %', body(canary(100.5, 5)), `${CANARY}.canaryPercentage`, /integer from 1 to 99.*\(got 100\.5\)$/],
    ['canary "10" %', body(canary('10' as unknown as number, 5)), `${CANARY}.canaryPercentage`, /integer from 1 to 99.*\(got "10"\)$/],
    ['linear 0 %', body(linear(0, 5)), `${LINEAR}.linearPercentage`, /integer from 1 to 99.*\(got 0\)$/],
    ['linear 100 %', body(linear(100, 5)), `${LINEAR}.linearPercentage`, /integer from 1 to 99.*\(got 100\)$/],
    ['linear 100.5 %', body(linear(100.5, 5)), `${LINEAR}.linearPercentage`, /integer from 1 to 99.*\(got 100\.5\)$/],
    ['linear "10" %', body(linear('10' as unknown as number, 5)), `${LINEAR}.linearPercentage`, /integer from 1 to 99.*\(got "10"\)$/],
    ['canary after 0 minutes', body(canary(10, 0)), `${CANARY}.canaryInterval`, /^must be a whole number of minutes, 1 or more \(got 0\)$/],
    ['canary after 2.5 minutes', body(canary(10, 2.5)), `${CANARY}.canaryInterval`, /whole number of minutes.*\(got 2\.5\)$/],
    ['linear every -1 minutes', body(linear(10, -1)), `${LINEAR}.linearInterval`, /whole number of minutes.*\(got -1\)$/],
    ['linear every 1e20 minutes', body(linear(10, 1e20)), `${LINEAR}.linearInterval`, /whole number of minutes.*\(got 100000000000000000000\)$/],
    ['canary after 2881 minutes', body(canary(10, 2881)), `${CANARY}.canaryInterval`, /^must be at most 2880 minutes.*first traffic shift to the last \(got 2881\)$/],
    [
      'linear 10 % every 321 minutes: 2889 minutes',
      body(linear(10, 321)),
      `${LINEAR}.linearInterval`,
      /^must be at most 320 minutes with linearPercentage 10: its 10 shifts are 9 intervals apart, 2889 minutes .* at most 2880 \(got 321\)$/,
    ],
    ['linear 1 % every 30 minutes: 2970 minutes', body(linear(1, 30)), `${LINEAR}.linearInterval`, /^must be at most 29 minutes with linearPercentage 1: its 100 shifts/],
    ['linear 33 % every 961 minutes: 2883 minutes', body(linear(33, 961)), `${LINEAR}.linearInterval`, /^must be at most 960 minutes .* 2883 minutes/],
    ['missing canary block', body({ type: 'TimeBasedCanary' }), CANARY, /^is required: an object \{canaryPercentage, canaryInterval\}$/],
    ['missing linear block', body({ type: 'TimeBasedLinear', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } }), LINEAR, /^is required: an object \{linearPercentage, linearInterval\}$/],
    ['canary block on a linear config', body({ ...linear(10, 1), timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } }), CANARY, /^applies only when type is TimeBasedCanary$/],
    ['linear block on AllAtOnce', body({ type: 'AllAtOnce', timeBasedLinear: { linearPercentage: 10, linearInterval: 1 } }), LINEAR, /^applies only when type is TimeBasedLinear$/],
    ['missing canaryInterval', body({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10 } }), `${CANARY}.canaryInterval`, /^is required: a whole number of minutes/],
    ['unknown type', body({ type: 'TimeBasedExponential' }), 'trafficRoutingConfig.type', /^must be TimeBasedCanary, TimeBasedLinear or AllAtOnce \(got "TimeBasedExponential"\)$/],
    ['lower-case type', body({ type: 'allAtOnce' }), 'trafficRoutingConfig.type', /\(got "allAtOnce"\)$/],
    ['missing type', body({}), 'trafficRoutingConfig.type', /^is required: TimeBasedCanary, TimeBasedLinear or AllAtOnce$/],
    ['missing trafficRoutingConfig', { deploymentConfigName: 'Mine', computePlatform: 'Lambda' }, 'trafficRoutingConfig', /^is required: an object \{type, /],
    ['string trafficRoutingConfig', body('AllAtOnce'), 'trafficRoutingConfig', /^must be an object .*\(got "AllAtOnce"\)$/],
    ['unknown key in a canary block', body({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5, canaryIntervalSeconds: 300 } }), `${CANARY}.canaryIntervalSeconds`, /^is not a field of trafficRoutingConfig\.timeBasedCanary \(allowed: canaryPercentage, canaryInterval\)$/],
    ['unknown key in a linear block', body({ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 5, steps: 10 } }), `${LINEAR}.steps`, /allowed: linearPercentage, linearInterval\)$/],
    ['unknown key in trafficRoutingConfig', body({ type: 'AllAtOnce', weight: 100 }), 'trafficRoutingConfig.weight', /^is not a field of trafficRoutingConfig \(allowed: type, timeBasedCanary, timeBasedLinear\)$/],
    ['minimumHealthyHosts', { ...body(ALL_AT_ONCE), minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } }, 'minimumHealthyHosts', /^applies to Server deployment configs only/],
    ['zonalConfig', { ...body(ALL_AT_ONCE), zonalConfig: {} }, 'zonalConfig', /^applies to Server deployment configs only/],
    ['inherited-looking key', { ...body(ALL_AT_ONCE), toString: 'x' }, 'toString', /^is not a field of a Lambda or ECS deployment config \(allowed: deploymentConfigName, computePlatform, trafficRoutingConfig\)$/],
    ['Server platform', body(ALL_AT_ONCE, 'Server'), 'computePlatform', /^must be Lambda or ECS.*\(got "Server"\)$/],
    ['missing platform', { deploymentConfigName: 'Mine', trafficRoutingConfig: ALL_AT_ONCE }, 'computePlatform', /^is required: Lambda or ECS/],
    ['reserved prefix', body(ALL_AT_ONCE, 'Lambda', 'CodeDeployDefault.Mine'), 'deploymentConfigName', /reserved prefix 'CodeDeployDefault\.'.*"CodeDeployDefault\.Mine"/],
    ['empty name', body(ALL_AT_ONCE, 'Lambda', ''), 'deploymentConfigName', /1 to 100 characters.*got "", 0 characters/],
    ['101-char name', body(ALL_AT_ONCE, 'Lambda', 'y'.repeat(101)), 'deploymentConfigName', /101 characters/],
    ['space in name', body(ALL_AT_ONCE, 'Lambda', 'my config'), 'deploymentConfigName', /"my config"/],
    ['numeric name', body(ALL_AT_ONCE, 'Lambda', 7), 'deploymentConfigName', /must be a string.*got 7/],
    ['null body', null, '(config)', /^must be an object \(got null\)$/],
  ])('rejects %s', (_label, input, field, message) => {
    expect(problemsOf(input)).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('reports every problem at once, each under its own field', () => {
    const problems = problemsOf({
      deploymentConfigName: 'CodeDeployDefault.X',
      computePlatform: 'Server',
      trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 100.5, canaryInterval: 3000, extra: 1 } },
    });
    expect(problems.map((problem) => problem.field).sort()).toEqual([
      'computePlatform',
      'deploymentConfigName',
      'trafficRoutingConfig.timeBasedCanary.canaryInterval',
      'trafficRoutingConfig.timeBasedCanary.canaryPercentage',
      'trafficRoutingConfig.timeBasedCanary.extra',
    ]);
  });

  it('gives a bad percentage one message, not one per broken rule', () => {
    expect(problemsOf(body(linear(100.5, 5)))).toHaveLength(1);
  });

  it('puts field and problem in the error message', () => {
    expect(() => parseCustomTrafficConfig(body(linear(10, 321)))).toThrow(
      /^trafficRoutingConfig\.timeBasedLinear\.linearInterval: must be at most 320 minutes/,
    );
  });
});
