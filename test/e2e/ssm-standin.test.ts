// The SSM stand-in as the SDK sees it: what the end-to-end run relies on, and the paths it does not take there
// (execution timeouts, output limits, offline agents, paging, modeled errors).
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/bundles';
import type { BusEvent } from '../support/standins/eventbridge-standin';
import { SsmStandIn } from '../support/standins/ssm-standin';

const ONLINE = 'mi-0123456789abcdef0';
const OFFLINE = 'mi-0fedcba9876543210';

describe('SSM stand-in', () => {
  const events: Omit<BusEvent, 'version' | 'id' | 'account' | 'region'>[] = [];
  let dir: string;
  let ssm: SsmStandIn;
  let client: SSMClient;

  beforeAll(async () => {
    dir = tempDir('ssm-standin');
    ssm = await SsmStandIn.start({ account: '123456789012', region: 'us-east-1', workDir: path.join(dir, 'agent'), events: { publish: (e) => events.push(e) } });
    ssm.addInstance(ONLINE, path.join(dir, ONLINE));
    ssm.addInstance(OFFLINE, path.join(dir, OFFLINE), 'ConnectionLost');
    client = new SSMClient({ endpoint: ssm.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });

  afterAll(async () => {
    client?.destroy();
    await ssm?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(script: string, instanceId = ONLINE, executionTimeout = '60'): Promise<string> {
    const sent = await client.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [instanceId],
        Parameters: { commands: [script], executionTimeout: [executionTimeout] },
        Comment: `test ${script.slice(0, 40)}`,
      }),
    );
    await ssm.idle();
    return sent.Command?.CommandId ?? '';
  }

  function invocation(commandId: string, instanceId = ONLINE): Promise<GetCommandInvocationCommandOutput> {
    return client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  }

  it("runs the script in the host's folder and keeps stdout, stderr and the exit code apart, with ISO times", async () => {
    const commandId = await run('echo out; echo err >&2; touch "$CUTOVER_HOST_ROOT/touched"; exit 3');

    const result = await invocation(commandId);
    expect(result).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 3,
      StandardOutputContent: 'out\n',
      StandardErrorContent: 'err\n',
      Comment: expect.stringMatching(/^test echo out/),
    });
    expect(new Date(result.ExecutionEndDateTime ?? '').toISOString()).toBe(result.ExecutionEndDateTime);
    expect(fs.existsSync(path.join(dir, ONLINE, 'touched'))).toBe(true);
    const statuses = events.filter((e) => e.detail['command-id'] === commandId).map((e) => e.detail.status);
    expect(statuses).toEqual(['InProgress', 'Failed']);
  });

  it('lists the invocations of an instance since a time, newest first, with the comment and without output', async () => {
    const quiet = 'mi-0000000000000aaaa';
    ssm.addInstance(quiet, path.join(dir, quiet));
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const first = await run('true', quiet);
    const second = await run('true', quiet);

    const listed = await client.send(
      new ListCommandInvocationsCommand({ InstanceId: quiet, Filters: [{ key: 'InvokedAfter', value: hourAgo }], Details: false }),
    );
    expect(listed.CommandInvocations?.map((i) => [i.CommandId, i.Status, i.Comment])).toEqual([
      [second, 'Success', 'test true'],
      [first, 'Success', 'test true'],
    ]);
    expect(listed.CommandInvocations?.[0].RequestedDateTime).toBeInstanceOf(Date);
  });

  it('keeps the first 24,000 characters of stdout and 8,000 of stderr', async () => {
    const commandId = await run("head -c 30000 /dev/zero | tr '\\0' o; head -c 9000 /dev/zero | tr '\\0' e >&2");

    const result = await invocation(commandId);
    expect(result.StandardOutputContent).toBe('o'.repeat(24_000));
    expect(result.StandardErrorContent).toBe('e'.repeat(8_000));
  });

  it('stops a script at its executionTimeout as the agent does: TimedOut, ExecutionTimedOut, 137', async () => {
    const commandId = await run('echo started; sleep 30', ONLINE, '1');

    expect(await invocation(commandId)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: 137,
      StandardOutputContent: 'started\n',
    });
  });

  it("leaves a command for an agent that lost its connection Pending, until it is cancelled", async () => {
    const commandId = await run('true', OFFLINE);
    expect(await invocation(commandId, OFFLINE)).toMatchObject({ Status: 'Pending', ResponseCode: -1, ExecutionStartDateTime: '' });

    await client.send(new CancelCommandCommand({ CommandId: commandId }));

    expect(await invocation(commandId, OFFLINE)).toMatchObject({ Status: 'Cancelled', ResponseCode: -1 });
    expect(events.filter((e) => e.detail['command-id'] === commandId).map((e) => e.detail.status)).toEqual(['Cancelled']);
  });

  it('describes managed instances by id with their PingStatus, page by page, leaving out ids it does not manage', async () => {
    const more = ['mi-00000000000000001', 'mi-00000000000000002', 'mi-00000000000000003', 'mi-00000000000000004'];
    for (const id of more) ssm.addInstance(id, path.join(dir, id));
    const ids = [ONLINE, OFFLINE, ...more, 'mi-0000000000000dead'];

    const first = await client.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ids }], MaxResults: 5 }));
    const second = await client.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ids }], MaxResults: 5, NextToken: first.NextToken }),
    );

    const nodes = [...(first.InstanceInformationList ?? []), ...(second.InstanceInformationList ?? [])];
    expect(first.InstanceInformationList).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    expect(Object.fromEntries(nodes.map((n) => [n.InstanceId, n.PingStatus]))).toEqual({
      [ONLINE]: 'Online',
      [OFFLINE]: 'ConnectionLost',
      ...Object.fromEntries(more.map((id) => [id, 'Online'])),
    });
  });

  it('answers with the modeled errors the SDK names', async () => {
    await expect(invocation('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
    await expect(run('true', 'mi-0000000000000dead')).rejects.toMatchObject({ name: 'InvalidInstanceId' });
    await expect(run('true', ONLINE, '0')).rejects.toMatchObject({ name: 'InvalidParameters' });
  });
});
