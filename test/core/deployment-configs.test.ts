import fc from 'fast-check';
import {
  DEFAULT_SERVER_CONFIG_NAME,
  PREDEFINED_SERVER_CONFIGS,
  findConfig,
  isOneAtATime,
  isPredefinedConfigName,
  minimumHealthyCount,
  parseCustomServerConfig,
  resolveConfigName,
} from '../../functions/core/deployment-configs';
import { NotFoundError, ValidationError } from '../../functions/core/errors';
import type { DeploymentConfig, MinimumHealthyHostsType } from '../../functions/core/types';

const config = (type: MinimumHealthyHostsType, value: number, name = 'Custom'): DeploymentConfig => ({
  deploymentConfigName: name,
  computePlatform: 'Server',
  minimumHealthyHosts: { type, value },
});

function problemsOf(input: unknown): { field: string; message: string }[] {
  try {
    parseCustomServerConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(({ field, message }) => ({ field, message }));
  }
  throw new Error('expected a ValidationError');
}

describe('predefined configs', () => {
  it.each([
    ['CodeDeployDefault.OneAtATime', 'MOST_CONCURRENCY', 1],
    ['CodeDeployDefault.HalfAtATime', 'FLEET_PERCENT', 50],
    ['CodeDeployDefault.AllAtOnce', 'HOST_COUNT', 0],
  ])('%s has minimumHealthyHosts %s %d', (name, type, value) => {
    expect(PREDEFINED_SERVER_CONFIGS).toContainEqual({
      deploymentConfigName: name,
      computePlatform: 'Server',
      minimumHealthyHosts: { type, value },
    });
  });

  it('lists exactly the three Server configs, OneAtATime being the default', () => {
    expect(PREDEFINED_SERVER_CONFIGS).toHaveLength(3);
    expect(DEFAULT_SERVER_CONFIG_NAME).toBe('CodeDeployDefault.OneAtATime');
    expect(PREDEFINED_SERVER_CONFIGS.filter(isOneAtATime).map((c) => c.deploymentConfigName)).toEqual([
      DEFAULT_SERVER_CONFIG_NAME,
    ]);
  });

  it.each([
    ['CodeDeployDefault.OneAtATime', true],
    ['CodeDeployDefault.HalfAtATime', true],
    ['CodeDeployDefault.AllAtOnce', true],
    ['CodeDeployDefault.LambdaAllAtOnce', false],
    ['codedeploydefault.allatonce', false],
    ['MyConfig', false],
    ['', false],
  ])('isPredefinedConfigName(%j) is %s', (name, expected) => {
    expect(isPredefinedConfigName(name)).toBe(expected);
  });
});

describe('parseCustomServerConfig', () => {
  it.each([
    [{ deploymentConfigName: 'Nine', minimumHealthyHosts: { type: 'HOST_COUNT', value: 9 } }, config('HOST_COUNT', 9, 'Nine')],
    [
      { deploymentConfigName: 'a.b_c+d=e,f@g-h', computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 99 } },
      config('FLEET_PERCENT', 99, 'a.b_c+d=e,f@g-h'),
    ],
    [{ deploymentConfigName: 'x'.repeat(100), minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 0 } }, config('FLEET_PERCENT', 0, 'x'.repeat(100))],
    [{ deploymentConfigName: 'All', minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } }, config('HOST_COUNT', 0, 'All')],
    [{ deploymentConfigName: 'MyCodeDeployDefault.X', minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } }, config('HOST_COUNT', 1, 'MyCodeDeployDefault.X')],
  ])('accepts %j', (input, expected) => {
    expect(parseCustomServerConfig(input)).toEqual(expected);
  });

  const valid = { deploymentConfigName: 'Ok', minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } };
  it.each<[string, unknown, string, RegExp]>([
    ['empty name', { ...valid, deploymentConfigName: '' }, 'deploymentConfigName', /1 to 100 characters.*got "", 0 characters/],
    ['101-char name', { ...valid, deploymentConfigName: 'y'.repeat(101) }, 'deploymentConfigName', /1 to 100 characters.*101 characters/],
    ['space in name', { ...valid, deploymentConfigName: 'my config' }, 'deploymentConfigName', /one of \. _ \+ = , @ -.*"my config"/],
    ['slash in name', { ...valid, deploymentConfigName: 'a/b' }, 'deploymentConfigName', /"a\/b"/],
    ['reserved prefix', { ...valid, deploymentConfigName: 'CodeDeployDefault.Mine' }, 'deploymentConfigName', /reserved prefix 'CodeDeployDefault\.'.*"CodeDeployDefault\.Mine"/],
    ['numeric name', { ...valid, deploymentConfigName: 7 }, 'deploymentConfigName', /must be a string.*got 7/],
    ['missing name', { minimumHealthyHosts: valid.minimumHealthyHosts }, 'deploymentConfigName', /^is required: a string of 1 to 100/],
    ['MOST_CONCURRENCY', { ...valid, minimumHealthyHosts: { type: 'MOST_CONCURRENCY', value: 1 } }, 'minimumHealthyHosts.type', /HOST_COUNT or FLEET_PERCENT \(got "MOST_CONCURRENCY"\)/],
    ['fractional value', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: 1.5 } }, 'minimumHealthyHosts.value', /integer \(got 1\.5\)/],
    ['bigint value', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: BigInt(2) } }, 'minimumHealthyHosts.value', /integer \(got a bigint\)/],
    ['string value', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: '2' } }, 'minimumHealthyHosts.value', /integer \(got "2"\)/],
    ['negative HOST_COUNT', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: -1 } }, 'minimumHealthyHosts.value', /0 or more for HOST_COUNT \(got -1\)/],
    ['FLEET_PERCENT 100', { ...valid, minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 100 } }, 'minimumHealthyHosts.value', /between 0 and 99 for FLEET_PERCENT \(got 100\)/],
    ['FLEET_PERCENT -1', { ...valid, minimumHealthyHosts: { type: 'FLEET_PERCENT', value: -1 } }, 'minimumHealthyHosts.value', /between 0 and 99 for FLEET_PERCENT \(got -1\)/],
    ['missing minimumHealthyHosts', { deploymentConfigName: 'Ok' }, 'minimumHealthyHosts', /^is required: an object \{type, value\}$/],
    ['Lambda platform', { ...valid, computePlatform: 'Lambda' }, 'computePlatform', /must be Server.*got "Lambda"/],
    ['trafficRoutingConfig', { ...valid, trafficRoutingConfig: { type: 'AllAtOnce' } }, 'trafficRoutingConfig', /Lambda and ECS .* only/],
    ['inherited-looking key', { ...valid, toString: 'x' }, 'toString', /^is not a field of a Server deployment config/],
    ['typo key', { ...valid, minimumHealthyHost: {} }, 'minimumHealthyHost', /allowed: deploymentConfigName, computePlatform, minimumHealthyHosts/],
    ['null body', null, '(config)', /must be an object \(got null\)/],
  ])('rejects %s', (_label, input, field, message) => {
    const problems = problemsOf(input);
    expect(problems).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('reports every problem at once, each under its own field', () => {
    const problems = problemsOf({
      deploymentConfigName: 'CodeDeployDefault.X',
      computePlatform: 'ECS',
      minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 150 },
    });
    expect(problems.map((problem) => problem.field).sort()).toEqual([
      'computePlatform',
      'deploymentConfigName',
      'minimumHealthyHosts.value',
    ]);
  });

  it('puts field and problem in the error message', () => {
    expect(() => parseCustomServerConfig({ ...valid, minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 100 } })).toThrow(
      'minimumHealthyHosts.value: must be between 0 and 99 for FLEET_PERCENT (got 100)',
    );
  });
});

describe('findConfig', () => {
  const custom = [config('HOST_COUNT', 9, 'NineHealthy'), config('FLEET_PERCENT', 75, 'ThreeQuarters')];

  it.each([
    ['CodeDeployDefault.HalfAtATime', { type: 'FLEET_PERCENT', value: 50 }],
    ['CodeDeployDefault.OneAtATime', { type: 'MOST_CONCURRENCY', value: 1 }],
    ['NineHealthy', { type: 'HOST_COUNT', value: 9 }],
    ['ThreeQuarters', { type: 'FLEET_PERCENT', value: 75 }],
  ])('finds %s', (name, minimumHealthyHosts) => {
    expect(findConfig(name, custom)).toEqual({ deploymentConfigName: name, computePlatform: 'Server', minimumHealthyHosts });
  });

  it.each(['Missing', 'ninehealthy', 'CodeDeployDefault.LambdaAllAtOnce'])('throws NotFoundError for %s', (name) => {
    expect(() => findConfig(name, custom)).toThrow(NotFoundError);
    expect(() => findConfig(name, custom)).toThrow(`Deployment config '${name}' does not exist`);
  });
});

describe('resolveConfigName', () => {
  it.each<[string | undefined, string | undefined, string]>([
    ['Requested', 'GroupDefault', 'Requested'],
    [undefined, 'GroupDefault', 'GroupDefault'],
    ['', 'GroupDefault', 'GroupDefault'],
    [undefined, undefined, 'CodeDeployDefault.OneAtATime'],
    ['', '', 'CodeDeployDefault.OneAtATime'],
    ['CodeDeployDefault.AllAtOnce', undefined, 'CodeDeployDefault.AllAtOnce'],
  ])('request %j, group %j → %s', (requested, groupDefault, expected) => {
    expect(resolveConfigName(requested, groupDefault)).toBe(expected);
  });
});

describe('minimumHealthyCount', () => {
  it.each<[MinimumHealthyHostsType, number, number, number]>([
    ['FLEET_PERCENT', 33, 10, 4],
    ['FLEET_PERCENT', 50, 5, 3],
    ['FLEET_PERCENT', 50, 9, 5],
    ['FLEET_PERCENT', 1, 1, 1],
    ['FLEET_PERCENT', 95, 10, 10],
    ['FLEET_PERCENT', 0, 10, 0],
    ['FLEET_PERCENT', 50, 0, 0],
    ['FLEET_PERCENT', 70, 10, 7],
    ['FLEET_PERCENT', 29, 100, 29],
    ['FLEET_PERCENT', 57, 100, 57],
    ['FLEET_PERCENT', 99, 101, 100],
    ['HOST_COUNT', 9, 10, 9],
    ['HOST_COUNT', 0, 10, 0],
    ['HOST_COUNT', 12, 10, 12],
    ['MOST_CONCURRENCY', 1, 5, 4],
    ['MOST_CONCURRENCY', 1, 1, 0],
    ['MOST_CONCURRENCY', 1, 0, 0],
  ])('%s %d of %d hosts → %d', (type, value, hosts, expected) => {
    expect(minimumHealthyCount(config(type, value), hosts)).toBe(expected);
  });

  it('rounds FLEET_PERCENT up to the exact ceiling for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 100_000 }), (pct, hosts) => {
        const m = minimumHealthyCount(config('FLEET_PERCENT', pct), hosts);
        // Exact ceiling in integers: the smallest m with m × 100 ≥ hosts × pct.
        expect(m * 100).toBeGreaterThanOrEqual(hosts * pct);
        expect((m - 1) * 100).toBeLessThan(hosts * pct);
      }),
    );
  });

  it.each([-1, 1.5, Number.NaN])('refuses host count %d', (hosts) => {
    expect(() => minimumHealthyCount(config('HOST_COUNT', 0), hosts)).toThrow(RangeError);
  });
});
