// The bus stand-in's EventBridge pattern matching: the rules it applies must select the events EventBridge would.
import { checkEventPattern, type EventPattern, matchesEventPattern } from '../support/standins/event-pattern';

const SSM_STATUS: EventPattern = {
  source: ['aws.ssm'],
  'detail-type': ['EC2 Command Invocation Status-change Notification'],
  detail: { status: ['Success', 'Failed', 'TimedOut', 'Cancelled'], 'document-name': ['AWS-RunShellScript'] },
};

function ssmEvent(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    source: 'aws.ssm',
    'detail-type': 'EC2 Command Invocation Status-change Notification',
    resources: ['arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0123456789abcdef0'],
    detail: { 'command-id': 'c-1', 'instance-id': 'mi-0123456789abcdef0', 'document-name': 'AWS-RunShellScript', status: 'Success', ...detail },
  };
}

describe('matchesEventPattern', () => {
  it('matches a value that is one of the alternatives, in nested objects too', () => {
    expect(matchesEventPattern(SSM_STATUS, ssmEvent({ status: 'Failed' }))).toBe(true);
    expect(matchesEventPattern(SSM_STATUS, ssmEvent({ status: 'InProgress' }))).toBe(false);
    expect(matchesEventPattern(SSM_STATUS, ssmEvent({ 'document-name': 'AWS-RunPowerShellScript' }))).toBe(false);
    expect(matchesEventPattern(SSM_STATUS, { ...ssmEvent({}), source: 'aws.ec2' })).toBe(false);
  });

  it('never matches a field the event lacks, even when the alternatives include null', () => {
    const { status: _status, ...withoutStatus } = ssmEvent({}).detail as Record<string, unknown>;
    expect(matchesEventPattern(SSM_STATUS, { ...ssmEvent({}), detail: withoutStatus })).toBe(false);
    expect(matchesEventPattern({ detail: { reason: [null] } }, ssmEvent({}))).toBe(false);
    expect(matchesEventPattern({ detail: { reason: [null] } }, ssmEvent({ reason: null }))).toBe(true);
  });

  it('compares values with their type', () => {
    expect(matchesEventPattern({ detail: { code: [0] } }, ssmEvent({ code: 0 }))).toBe(true);
    expect(matchesEventPattern({ detail: { code: [0] } }, ssmEvent({ code: '0' }))).toBe(false);
    expect(matchesEventPattern({ detail: { status: ['success'] } }, ssmEvent({}))).toBe(false);
  });

  it('matches an array in the event when any of its elements matches', () => {
    const resource = 'arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0123456789abcdef0';
    expect(matchesEventPattern({ resources: ['other', resource] }, ssmEvent({}))).toBe(true);
    expect(matchesEventPattern({ resources: ['other'] }, ssmEvent({}))).toBe(false);
    const plugins = ssmEvent({ plugins: [{ name: 'a', status: 'Failed' }, { name: 'b', status: 'Success' }] });
    expect(matchesEventPattern({ detail: { plugins: { name: ['b'] } } }, plugins)).toBe(true);
    expect(matchesEventPattern({ detail: { plugins: { name: ['c'] } } }, plugins)).toBe(false);
  });

  it('needs an object where the pattern nests one', () => {
    expect(matchesEventPattern({ detail: { status: { code: ['x'] } } }, ssmEvent({}))).toBe(false);
  });
});

describe('checkEventPattern', () => {
  it('accepts exact-value patterns', () => {
    expect(() => checkEventPattern(SSM_STATUS)).not.toThrow();
  });

  it('refuses content filters and bare values, naming the field', () => {
    expect(() => checkEventPattern({ detail: { status: [{ 'anything-but': ['InProgress'] }] } })).toThrow(/detail\.status: content filter/);
    expect(() => checkEventPattern({ source: 'aws.ssm' })).toThrow(/at source must be an array/);
    expect(() => checkEventPattern(['aws.ssm'])).toThrow(/must be an object/);
  });
});
