import {
  CloudWatchClient,
  CloudWatchServiceException,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  InvalidNextToken,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ALARM_NAMES_PER_CALL, CloudWatchAlarmSource } from '../../functions/aws/cloudwatch-alarm-source';
import { TransientAwsError } from '../../functions/core/errors';
import { sent } from '../support/sdk-mock-calls';

const cloudwatch = mockClient(CloudWatchClient);
const alarms = new CloudWatchAlarmSource({ client: new CloudWatchClient({}) });

const ARN_PREFIX = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:';
const metricAlarm = (AlarmName: string, StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): MetricAlarm => ({
  AlarmName,
  AlarmArn: `${ARN_PREFIX}${AlarmName}`,
  StateValue,
  StateReason: 'Threshold Crossed',
  MetricName: 'Errors',
  Namespace: 'AWS/Lambda',
});
const compositeAlarm = (AlarmName: string, StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): CompositeAlarm => ({
  AlarmName,
  AlarmArn: `${ARN_PREFIX}${AlarmName}`,
  StateValue,
  AlarmRule: 'ALARM(orders-errors) OR ALARM(orders-latency)',
});

/** DescribeAlarms exactly as the adapter must send it. */
const describeAlarms = (AlarmNames: string[], NextToken?: string) =>
  ['DescribeAlarmsCommand', { AlarmNames, AlarmTypes: ['CompositeAlarm', 'MetricAlarm'], ...(NextToken === undefined ? {} : { NextToken }) }] as const;

/** An error as the SDK throws it for a code CloudWatch does not model (throttling, server faults). */
const serviceError = (name: string, httpStatusCode: number) =>
  new CloudWatchServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: `${name} happened`, $metadata: { httpStatusCode } });

beforeEach(() => cloudwatch.reset());

describe('CloudWatchAlarmSource.states', () => {
  it('reads metric and composite alarms with one DescribeAlarms that asks for both types', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('orders-errors', 'OK'), metricAlarm('orders-latency', 'ALARM')],
      CompositeAlarms: [compositeAlarm('orders-health', 'INSUFFICIENT_DATA')],
    });

    await expect(alarms.states(['orders-errors', 'orders-latency', 'orders-health'])).resolves.toEqual({
      'orders-errors': 'OK',
      'orders-latency': 'ALARM',
      'orders-health': 'INSUFFICIENT_DATA',
    });
    expect(sent(cloudwatch)).toEqual([describeAlarms(['orders-errors', 'orders-latency', 'orders-health'])]);
  });

  it('reads an alarm CloudWatch does not return as INSUFFICIENT_DATA, and ignores one it was not asked for', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm('orders-errors', 'ALARM'), metricAlarm('unrelated', 'ALARM')] });

    await expect(alarms.states(['orders-errors', 'deleted-alarm'])).resolves.toEqual({
      'orders-errors': 'ALARM',
      'deleted-alarm': 'INSUFFICIENT_DATA',
    });
  });

  it('follows NextToken until the last page', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [metricAlarm('a', 'OK')], NextToken: 'page-2' })
      .resolvesOnce({ CompositeAlarms: [compositeAlarm('b', 'ALARM')], NextToken: 'page-3' })
      .resolvesOnce({ MetricAlarms: [metricAlarm('c', 'OK')] });

    await expect(alarms.states(['a', 'b', 'c'])).resolves.toEqual({ a: 'OK', b: 'ALARM', c: 'OK' });
    expect(sent(cloudwatch)).toEqual([
      describeAlarms(['a', 'b', 'c']),
      describeAlarms(['a', 'b', 'c'], 'page-2'),
      describeAlarms(['a', 'b', 'c'], 'page-3'),
    ]);
  });

  it(`asks for at most ${ALARM_NAMES_PER_CALL} names a call, each batch with its own pages`, async () => {
    const names = Array.from({ length: 2 * ALARM_NAMES_PER_CALL + 1 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    const [first, second, third] = [names.slice(0, 100), names.slice(100, 200), names.slice(200)];
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [metricAlarm(first[0], 'ALARM')], NextToken: 'more' })
      .resolvesOnce({ MetricAlarms: [metricAlarm(first[99], 'OK')] })
      .resolvesOnce({ MetricAlarms: [metricAlarm(second[0], 'OK')] })
      .resolvesOnce({ CompositeAlarms: [compositeAlarm(third[0], 'ALARM')] });

    const states = await alarms.states(names);

    expect(ALARM_NAMES_PER_CALL).toBe(100);
    expect(sent(cloudwatch)).toEqual([describeAlarms(first), describeAlarms(first, 'more'), describeAlarms(second), describeAlarms(third)]);
    expect(Object.keys(states)).toEqual(names);
    expect(Object.entries(states).filter(([, state]) => state !== 'INSUFFICIENT_DATA')).toEqual([
      [first[0], 'ALARM'],
      [first[99], 'OK'],
      [second[0], 'OK'],
      [third[0], 'ALARM'],
    ]);
  });

  it('asks for a name given twice once', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm('a', 'OK')] });

    await expect(alarms.states(['a', 'b', 'a'])).resolves.toEqual({ a: 'OK', b: 'INSUFFICIENT_DATA' });
    expect(sent(cloudwatch)).toEqual([describeAlarms(['a', 'b'])]);
  });

  it('sends nothing for no alarms', async () => {
    await expect(alarms.states([])).resolves.toEqual({});
    expect(sent(cloudwatch)).toEqual([]);
  });

  it.each([
    ['Throttling', 400],
    ['ThrottlingException', 400],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
  ])('rejects %s (HTTP %p), left after the SDK retries, as TransientAwsError for the state machine to retry', async (name, status) => {
    const cause = serviceError(name, status);
    cloudwatch.on(DescribeAlarmsCommand).rejects(cause);

    const states = alarms.states(['orders-errors']);

    await expect(states).rejects.toBeInstanceOf(TransientAwsError);
    await expect(states).rejects.toMatchObject({ name: 'TransientAwsError', message: `${name}: ${name} happened`, cause });
  });

  it('passes an error retrying cannot fix on unchanged', async () => {
    const invalid = new InvalidNextToken({ message: 'The service returned an invalid next token', $metadata: { httpStatusCode: 400 } });
    cloudwatch.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: [], NextToken: 'stale' }).rejectsOnce(invalid);

    await expect(alarms.states(['orders-errors'])).rejects.toBe(invalid);
  });
});
