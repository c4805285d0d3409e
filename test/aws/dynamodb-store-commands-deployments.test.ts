// The exact DynamoDB commands behind deployment and group writes and listings, and how DynamoDB failures map to
// domain errors.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, TransientStoreError } from '../../functions/core/errors';
import type { DeploymentSummary, RevisionLocation } from '../../functions/core/types';
import * as fixture from './dynamodb-store-fixtures';
import { TABLE, conditionFailed, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

describe('updateDeployment', () => {
  it('sets each changed attribute whole, removes cleared ones, and guards the status', async () => {
    const stored = { ...fixture.deployment({ deploymentId: 'd-1' }), pk: 'DEP#d-1', sk: 'DEP' };
    ddb.on(UpdateCommand).resolves({ Attributes: stored });
    const overview = { Pending: 0, InProgress: 2, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    const changes = { status: 'InProgress' as const, deploymentOverview: overview, errorInformation: undefined };
    await store.updateDeployment('d-1', changes, ['Created', 'Queued']);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DEP#d-1', sk: 'DEP' },
      UpdateExpression: 'SET #status = :status, #deploymentOverview = :deploymentOverview REMOVE #errorInformation',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:expected0, :expected1)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#deploymentOverview': 'deploymentOverview',
        '#errorInformation': 'errorInformation',
      },
      ExpressionAttributeValues: {
        ':status': 'InProgress',
        ':deploymentOverview': overview,
        ':expected0': 'Created',
        ':expected1': 'Queued',
      },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('names the current status from the returned item', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ status: { S: 'Stopped' } }));
    await expect(store.updateDeployment('d-1', { status: 'InProgress' }, ['Queued'])).rejects.toThrow(
      "Deployment 'd-1' is Stopped, expected Queued",
    );
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});

describe('reads', () => {
  it('follows Query pages until LastEvaluatedKey is absent', async () => {
    const page = (id: string): Record<string, unknown> => ({
      ...fixture.deployment({ deploymentId: id }),
      gsi1pk: 'DEPLOYMENTS',
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [page('d-2')], LastEvaluatedKey: { pk: 'DEP#d-2' } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'DEP#d-2b' } })
      .resolvesOnce({ Items: [page('d-1')] });
    const listed = await store.listDeployments({ statuses: ['Created'] });
    expect(listed.map((d) => d.deploymentId)).toEqual(['d-2', 'd-1']);
    expect(listed[0]).not.toHaveProperty('gsi1pk');
    const inputs = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ExclusiveStartKey)).toEqual([undefined, { pk: 'DEP#d-2' }, { pk: 'DEP#d-2b' }]);
    expect(inputs[0]).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#gsi1pk = :gsi1pk',
      ScanIndexForward: false,
      FilterExpression: '#status IN (:status0)',
    });
  });
});

describe('recordGroupOutcome', () => {
  const failed: DeploymentSummary = { deploymentId: 'd-2', status: 'Failed', createTime: '2026-11-26T08:00:00.000Z' };
  const succeeded: DeploymentSummary = { ...failed, status: 'Succeeded', endTime: '2026-11-26T08:10:00.000Z' };
  const revision: RevisionLocation = { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'zip' } };

  it('sets the last attempted deployment alone after a failure, on an existing group only', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.recordGroupOutcome('shop', 'prod', { lastAttemptedDeployment: failed });
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'APP#shop', sk: 'DG#prod' },
      UpdateExpression: 'SET lastAttemptedDeployment = :lastAttemptedDeployment',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':lastAttemptedDeployment': failed },
    });
  });

  it('sets the successful deployment and revision after a success, and nothing else', async () => {
    ddb.on(UpdateCommand).resolves({});
    const outcome = {
      lastAttemptedDeployment: succeeded,
      lastSuccessfulDeployment: succeeded,
      targetRevision: revision,
    };
    // Structurally still a GroupOutcome; the extra field must not reach the group.
    const withSettings = { ...outcome, instanceNames: ['web-9'] };
    await store.recordGroupOutcome('shop', 'prod', withSettings);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression:
        'SET lastAttemptedDeployment = :lastAttemptedDeployment, ' +
        'lastSuccessfulDeployment = :lastSuccessfulDeployment, targetRevision = :targetRevision',
      ExpressionAttributeValues: {
        ':lastAttemptedDeployment': succeeded,
        ':lastSuccessfulDeployment': succeeded,
        ':targetRevision': revision,
      },
    });
  });

  it('reports a missing group as NotFoundError without reading it', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const attempt = store.recordGroupOutcome('shop', 'gone', { lastAttemptedDeployment: failed });
    await expect(attempt).rejects.toThrow(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ resource: 'Deployment group', id: 'shop/gone' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('rethrows failures other than the condition', async () => {
    ddb.on(UpdateCommand).rejects(namedError('ValidationException'));
    const attempt = store.recordGroupOutcome('shop', 'prod', { lastAttemptedDeployment: failed });
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('updateDeploymentGroupSettings', () => {
  const settingNames = {
    '#deploymentConfigName': 'deploymentConfigName',
    '#serviceRoleArn': 'serviceRoleArn',
    '#autoRollbackConfiguration': 'autoRollbackConfiguration',
    '#loadBalancerInfo': 'loadBalancerInfo',
    '#instanceNames': 'instanceNames',
    '#ec2TagFilters': 'ec2TagFilters',
    '#ec2TagSet': 'ec2TagSet',
    '#onPremisesInstanceTagFilters': 'onPremisesInstanceTagFilters',
    '#onPremisesTagSet': 'onPremisesTagSet',
    '#autoScalingGroups': 'autoScalingGroups',
    '#triggerConfigurations': 'triggerConfigurations',
    '#alarmConfiguration': 'alarmConfiguration',
    '#ecsServices': 'ecsServices',
    '#blueGreenDeploymentConfiguration': 'blueGreenDeploymentConfiguration',
    '#concurrencyPolicy': 'concurrencyPolicy',
  };

  it('sets the settings present and removes the rest in one UpdateItem guarded by the group id', async () => {
    ddb.on(UpdateCommand).resolves({});
    const summary: DeploymentSummary = { deploymentId: 'd-2', status: 'Failed', createTime: '2026-11-26T08:00:00.000Z' };
    // A whole group, outcome fields included: only its settings may reach the item.
    const group = fixture.deploymentGroup({ deploymentGroupId: 'dg-1', autoScalingGroups: ['asg'], lastAttemptedDeployment: summary });
    await store.updateDeploymentGroupSettings('shop', 'prod', 'dg-1', { ...group, instanceNames: undefined });
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'APP#shop', sk: 'DG#prod' },
      UpdateExpression:
        'SET #deploymentConfigName = :deploymentConfigName, #autoRollbackConfiguration = :autoRollbackConfiguration, ' +
        '#autoScalingGroups = :autoScalingGroups ' +
        'REMOVE #serviceRoleArn, #loadBalancerInfo, #instanceNames, #ec2TagFilters, #ec2TagSet, ' +
        '#onPremisesInstanceTagFilters, #onPremisesTagSet, #triggerConfigurations, #alarmConfiguration, ' +
        '#ecsServices, #blueGreenDeploymentConfiguration, #concurrencyPolicy',
      ConditionExpression: 'attribute_exists(pk) AND #deploymentGroupId = :deploymentGroupId',
      ExpressionAttributeNames: { '#deploymentGroupId': 'deploymentGroupId', ...settingNames },
      ExpressionAttributeValues: {
        ':deploymentGroupId': 'dg-1',
        ':deploymentConfigName': 'CodeDeployDefault.OneAtATime',
        ':autoRollbackConfiguration': group.autoRollbackConfiguration,
        ':autoScalingGroups': ['asg'],
      },
    });
  });

  it('reports a group deleted or renamed meanwhile as ConflictError without reading it', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const attempt = store.updateDeploymentGroupSettings('shop', 'prod', 'dg-1', fixture.deploymentGroup());
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(/'prod' of application 'shop' is no longer the group dg-1: it was deleted or renamed meanwhile$/);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('rethrows failures other than the condition', async () => {
    ddb.on(UpdateCommand).rejects(namedError('ValidationException'));
    const attempt = store.updateDeploymentGroupSettings('shop', 'prod', 'dg-1', fixture.deploymentGroup());
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('transient errors', () => {
  const transient = [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
  ];
  it.each(transient)(
    'wraps %s in TransientStoreError with the cause',
    async (name) => {
      const cause =
        name === 'ProvisionedThroughputExceededException'
          ? new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })
          : namedError(name);
      ddb.on(GetCommand).rejects(cause);
      const attempt = store.getDeployment('d-1');
      await expect(attempt).rejects.toThrow(TransientStoreError);
      await expect(attempt).rejects.toMatchObject({
        cause,
        message: expect.stringContaining(`GetItem failed: ${name}`),
      });
    },
  );

  it('rethrows other errors unchanged', async () => {
    const error = namedError('ValidationException');
    ddb.on(PutCommand).rejects(error);
    await expect(store.putBatch(fixture.batch('d-1'))).rejects.toBe(error);
  });
});
