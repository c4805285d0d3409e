// The alarm adapter on a real CloudWatch client, over the wire protocol it speaks (awsJson1_0, query-compatible), with
// the production retry policy: throttling that outlasts the SDK's attempts reaches the step as TransientAwsError, the
// name the ASL retries, and an answer that lists no alarm reads every name INSUFFICIENT_DATA.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CLIENT_MAX_ATTEMPTS, awsClientConfig } from '../../functions/aws/aws-client-config';
import { CloudWatchAlarmSource } from '../../functions/aws/cloudwatch-alarm-source';
import { TransientAwsError } from '../../functions/core/errors';
import { type StubOptions, startAwsProtocolStub } from '../support/aws-protocol-stub';

async function statesThroughStub(stub: StubOptions): Promise<{ result: PromiseSettledResult<unknown>; requests: number }> {
  const server = await startAwsProtocolStub('awsJson1_0', stub);
  const client = new CloudWatchClient({ ...awsClientConfig({ retryDelayMs: 1 }), endpoint: server.endpoint });
  try {
    const [result] = await Promise.allSettled([new CloudWatchAlarmSource({ client }).states(['orders-errors', 'orders-latency'])]);
    return { result, requests: server.requests };
  } finally {
    client.destroy();
    await server.close();
  }
}

describe('CloudWatchAlarmSource on the CloudWatch wire protocol', () => {
  it('rejects throttling that outlasts the SDK retries as TransientAwsError', async () => {
    const { result, requests } = await statesThroughStub({ error: { status: 400, code: 'Throttling', message: 'Rate exceeded' }, failures: Infinity });

    expect(result.status).toBe('rejected');
    const reason = (result as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(TransientAwsError);
    expect(reason).toMatchObject({ message: 'Throttling: Rate exceeded', cause: { name: 'Throttling', $metadata: { attempts: CLIENT_MAX_ATTEMPTS } } });
    expect(requests).toBe(CLIENT_MAX_ATTEMPTS);
  });

  it('reads the alarms once throttling passes within the SDK retries, each missing one INSUFFICIENT_DATA', async () => {
    const { result, requests } = await statesThroughStub({ error: { status: 400, code: 'Throttling' }, failures: 2 });

    expect(result).toEqual({ status: 'fulfilled', value: { 'orders-errors': 'INSUFFICIENT_DATA', 'orders-latency': 'INSUFFICIENT_DATA' } });
    expect(requests).toBe(3);
  });
});
