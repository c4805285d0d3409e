// The alarm handler's logic (functions/aws/cloudwatch-alarm-events.ts) on CloudWatch's own event shape: it parses
// the Alarm State Change event and stops the deployments that watch the alarm: a Lambda one's wait ends, a Server
// one's batch is cancelled.
import { alarmEventHandler, parseAlarmStateChange } from '../../functions/aws/cloudwatch-alarm-events';
import { TransientAwsError, ValidationError } from '../../functions/core/errors';
import type { StepDependencies } from '../../functions/ports';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import { deployLoggingBundle, localApiClients } from '../support/api-client';
import { type LambdaHarness, openLambdaHarness, startLambdaDeployment } from '../support/lambda-harness';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';
import { ReportGate } from '../support/report-gate';

/** An Alarm State Change event as CloudWatch sends it to the default bus (aws-contracts.md §2.2). */
function alarmEvent(alarmName: string, value: string, previous = 'OK'): Record<string, unknown> {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-11-26T17:04:40Z',
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: { description: 'Errors of the live alias', metrics: [] },
      previousState: { reason: 'Threshold Crossed', reasonData: '{"version":"1.0"}', timestamp: '2026-11-26T16:56:40.987+0000', value: previous },
      state: { reason: 'Threshold Crossed', reasonData: '{"version":"1.0"}', timestamp: '2026-11-26T17:04:40.989+0000', value },
    },
  };
}

/** Dependencies that fail the test if the handler touches them. */
const untouched = new Proxy({} as StepDependencies, {
  get: (_target, name) => {
    throw new Error(`the handler used deps.${String(name)}`);
  },
});

describe('parseAlarmStateChange', () => {
  it('reads the alarm and its new state, composite alarms included', () => {
    expect(parseAlarmStateChange(alarmEvent('errors', 'ALARM'))).toEqual({ alarmName: 'errors', state: 'ALARM' });
    expect(parseAlarmStateChange(alarmEvent('health', 'INSUFFICIENT_DATA'))).toEqual({ alarmName: 'health', state: 'INSUFFICIENT_DATA' });
  });

  it.each([
    ['another source', { ...alarmEvent('errors', 'ALARM'), source: 'aws.ssm' }, 'source'],
    ['a configuration change', { ...alarmEvent('errors', 'ALARM'), 'detail-type': 'CloudWatch Alarm Configuration Change' }, 'detail-type'],
    ['no alarm name', { ...alarmEvent('', 'ALARM') }, 'detail.alarmName'],
    ['a state CloudWatch does not have', alarmEvent('errors', 'FIRING'), 'detail.state.value'],
  ])('refuses %s, naming the field', (_case, event, field) => {
    expect(() => parseAlarmStateChange(event)).toThrow(ValidationError);
    expect(() => parseAlarmStateChange(event)).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ field })] }));
  });
});

describe('alarmEventHandler', () => {
  it.each(['OK', 'INSUFFICIENT_DATA'])('ends nothing when an alarm goes to %s', async (state) => {
    await expect(alarmEventHandler(untouched)(alarmEvent('errors', state, 'ALARM'))).resolves.toEqual({ alarmName: 'errors', state, stopped: [] });
  });

  it('rejects throttling of the store as TransientAwsError, so Lambda delivers the event again', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const deps = { store: { listDeployments: () => Promise.reject(throttled) } } as unknown as StepDependencies;

    await expect(alarmEventHandler(deps)(alarmEvent('errors', 'ALARM'))).rejects.toBeInstanceOf(TransientAwsError);
  });

  describe('on the embedded runtime', () => {
    let h: LambdaHarness;
    afterEach(async () => h.runtime.close());

    it('ends the 30-minute canary wait of a deployment whose group watches the alarm at once, restoring the alias', async () => {
      // Real time: only the event can end this wait within the test. The alarm file stays OK, so nothing else sees it.
      h = await openLambdaHarness({ timeScale: 1 });
      const id = await startLambdaDeployment(h, { config: 'CodeDeployDefault.LambdaCanary10Percent30Minutes', alarms: ['errors'] });
      const waiting = async (): Promise<boolean> => lambdaDeployment((await h.runtime.store.getDeployment(id))!).currentWait?.kind === 'shift';
      while (!(await waiting())) await new Promise((resolve) => setTimeout(resolve, 5));

      const unwatched = await alarmEventHandler(h.runtime.deps)(alarmEvent('latency', 'ALARM'));
      const outcome = await alarmEventHandler(h.runtime.deps)(alarmEvent('errors', 'ALARM'));
      const view = await h.runtime.waitForDeployment(id);

      expect(unwatched.stopped).toEqual([]);
      expect(outcome).toEqual({ alarmName: 'errors', state: 'ALARM', stopped: [id] });
      // CodeDeploy ends a deployment an alarm stopped as Stopped, with ALARM_ACTIVE.
      expect(view.status).toBe('Stopped');
      expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
      expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
    });
  });

  describe('on the embedded runtime, for an in-place deployment', () => {
    let h: Harness;
    const gate = new ReportGate();
    const { call } = localApiClients(() => h);
    afterEach(async () => {
      gate.open();
      await h.runtime.close();
    });

    it('cancels the batch under way, ends it Stopped naming the alarm, and refuses the report the host sends after', async () => {
      h = await openHarness({ hostRunner: gate.hostRunner });
      await addAppGroup(h, { defaultHosts: ['host-1', 'host-2'], deploymentConfigName: 'CodeDeployDefault.OneAtATime', alarms: ['errors'] });
      gate.close();
      const id = (await deployLoggingBundle(call, h, 'v1')).body?.deploymentId as string;
      const held = await gate.firstHeld();

      const outcome = await alarmEventHandler(h.runtime.deps)(alarmEvent('errors', 'ALARM'));
      gate.open();
      const view = await h.runtime.waitForDeployment(id);

      expect(outcome).toEqual({ alarmName: 'errors', state: 'ALARM', stopped: [id] });
      expect(view).toMatchObject({ status: 'Stopped', errorInformation: { code: 'ALARM_ACTIVE', message: expect.stringMatching(/^Alarm errors went to ALARM at /) } });
      const host1 = view.targets.find((t) => t.targetId === 'host-1')!;
      // The report held back while the alarm came was refused: the event says why it ended, not what the script said.
      expect(host1.status).toBe('Failed');
      expect(host1.lifecycleEvents[held.eventIndex].diagnostics?.message).toMatch(/^Cancelled when the deployment stopped: Alarm errors went to ALARM/);
      expect(view.targets.find((t) => t.targetId === 'host-2')?.status).toBe('Skipped');
      expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
    });
  });
});
