import {
  type CommandCorrelation,
  formatCommandComment,
  MAX_COMMENT_LENGTH,
  parseCommandComment,
  sameEvent,
} from '../../functions/aws/command-correlation';
import { serverInPlaceEvents } from '../../functions/core/lifecycle-order';

const CORRELATION: CommandCorrelation = { deploymentId: 'd-AB1CDEF23', batchNumber: 12, eventIndex: 4, eventName: 'ApplicationStart' };

describe('formatCommandComment', () => {
  it.each<[string, CommandCorrelation, string]>([
    ['a typical event', CORRELATION, 'cutover d-AB1CDEF23 b12 e4 ApplicationStart'],
    ['the first batch and event', { deploymentId: 'd-000000000', batchNumber: 0, eventIndex: 0, eventName: 'ApplicationStop' }, 'cutover d-000000000 b0 e0 ApplicationStop'],
    ['an engine event', { deploymentId: 'd-ZZZZZZZZZ', batchNumber: 1, eventIndex: 1, eventName: 'DownloadBundle' }, 'cutover d-ZZZZZZZZZ b1 e1 DownloadBundle'],
  ])('names %s', (_case, correlation, comment) => {
    expect(formatCommandComment(correlation)).toBe(comment);
    expect(parseCommandComment(comment)).toEqual(correlation);
  });

  it('fits every event of the largest batch and event index within the 100 characters SendCommand allows', () => {
    const comments = serverInPlaceEvents({ withLoadBalancer: true }).map((eventName) =>
      formatCommandComment({ deploymentId: 'd-ZZZZZZZZZ', batchNumber: 999_999, eventIndex: 99, eventName }),
    );

    expect(comments).toContain('cutover d-ZZZZZZZZZ b999999 e99 BeforeBlockTraffic');
    expect(Math.max(...comments.map((comment) => comment.length))).toBe(50);
    expect(Math.max(...comments.map((comment) => comment.length))).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
  });

  it.each<[string, Partial<CommandCorrelation>]>([
    ['a deployment id not in the CodeDeploy format', { deploymentId: 'd-abc' }],
    ['a deployment id with spaces', { deploymentId: 'd-AB1 EF23' }],
    ['a negative batch', { batchNumber: -1 }],
    ['a fractional batch', { batchNumber: 1.5 }],
    ['a batch past the six digits of the store key', { batchNumber: 1_000_000 }],
    ['an event index past two digits', { eventIndex: 100 }],
  ])('refuses %s rather than send a comment nobody reads back', (_case, change) => {
    expect(() => formatCommandComment({ ...CORRELATION, ...change })).toThrow(/^Cannot name .* in an SSM command comment$/);
  });
});

describe('parseCommandComment', () => {
  it.each<[string, string | undefined]>([
    ['no comment at all', undefined],
    ['an empty comment', ''],
    ['a comment from another tool', 'Patch baseline run by ops'],
    ['the format before correlations moved into the comment', 'd-AB1CDEF23 ApplicationStart'],
    ['a wrong prefix', 'Cutover d-AB1CDEF23 b12 e4 ApplicationStart'],
    ['a prefix inside a longer word', 'mycutover d-AB1CDEF23 b12 e4 ApplicationStart'],
    ['a lower-case deployment id', 'cutover d-ab1cdef23 b12 e4 ApplicationStart'],
    ['a short deployment id', 'cutover d-AB1CDEF2 b12 e4 ApplicationStart'],
    ['a long deployment id', 'cutover d-AB1CDEF234 b12 e4 ApplicationStart'],
    ['a batch with a leading zero', 'cutover d-AB1CDEF23 b012 e4 ApplicationStart'],
    ['a batch of seven digits', 'cutover d-AB1CDEF23 b1000000 e4 ApplicationStart'],
    ['an event index of three digits', 'cutover d-AB1CDEF23 b12 e100 ApplicationStart'],
    ['a missing batch', 'cutover d-AB1CDEF23 e4 ApplicationStart'],
    ['an unknown event', 'cutover d-AB1CDEF23 b12 e4 Start'],
    ['an event in the wrong case', 'cutover d-AB1CDEF23 b12 e4 applicationstart'],
    ['extra text after the event', 'cutover d-AB1CDEF23 b12 e4 ApplicationStart retry'],
    ['a trailing newline', 'cutover d-AB1CDEF23 b12 e4 ApplicationStart\n'],
    ['two spaces', 'cutover  d-AB1CDEF23 b12 e4 ApplicationStart'],
    ['an overlong comment', `cutover d-AB1CDEF23 b12 e4 ApplicationStart ${'x'.repeat(60)}`],
  ])('does not take %s as a Cutover comment', (_case, comment) => {
    expect(parseCommandComment(comment)).toBeUndefined();
  });
});

describe('sameEvent', () => {
  it.each<[string, Partial<CommandCorrelation>, boolean]>([
    ['the same event', {}, true],
    ['another deployment', { deploymentId: 'd-AB1CDEF24' }, false],
    ['another batch', { batchNumber: 13 }, false],
    ['another event index', { eventIndex: 5 }, false],
    ['another event name', { eventName: 'ValidateService' }, false],
  ])('tells %s', (_case, change, same) => {
    expect(sameEvent(CORRELATION, { ...CORRELATION, ...change })).toBe(same);
  });
});
