import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CutoverStack } from '../../lib/infra/cutover-stack';
import { ALARM_STATE_CHANGE_DETAIL_TYPE, ALARM_STATE_CHANGE_SOURCE } from '../../functions/aws/cloudwatch-alarm-events';
import { aslPlaceholders } from '../../lib/infra/cutover-state-machine';

const ASL_PATH = path.join(__dirname, '..', '..', 'statemachines', 'server-in-place.asl.json');
const ASL = fs.readFileSync(ASL_PATH, 'utf8');
const LAMBDA_ASL = fs.readFileSync(path.join(__dirname, '..', '..', 'statemachines', 'lambda-traffic-shift.asl.json'), 'utf8');
const ECS_ASL = fs.readFileSync(path.join(__dirname, '..', '..', 'statemachines', 'ecs-blue-green.asl.json'), 'utf8');

type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };
interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, CfnValue>;
}
interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: CfnValue;
}
interface CfnPolicy {
  readonly Properties: { readonly Roles: CfnValue; readonly PolicyDocument: { readonly Statement: PolicyStatement[] } };
}

// Skips esbuild: these tests look at the template, not the bundles.
function stackOf(props: ConstructorParameters<typeof CutoverStack>[2] = {}): CutoverStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new CutoverStack(app, 'Cutover', props);
}

function synthesize(props: ConstructorParameters<typeof CutoverStack>[2] = {}): Template {
  return Template.fromStack(stackOf(props));
}

const template = synthesize();

function resourcesOf(type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** Logical id of the resource whose id starts with the construct path, e.g. `ServiceFunctionsHostReport`. */
function logicalId(type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function policies(): CfnPolicy[] {
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, CfnPolicy>);
}

function statementsOfRole(roleId: string): PolicyStatement[] {
  return policies()
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function actionsOfRole(roleId: string): string[] {
  return statementsOfRole(roleId).flatMap((statement) => [statement.Action].flat());
}

/** The definition as Step Functions receives it before substitution: a string, or CDK's Fn::Join of one. */
function definitionText(value: CfnValue): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'Fn::Join' in value) {
    const [delimiter, parts] = value['Fn::Join'] as [string, CfnValue[]];
    return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(delimiter);
  }
  throw new Error(`Unexpected DefinitionString: ${JSON.stringify(value)}`);
}

// The steps of each flow, by the construct id of their function: the ASL placeholders without FunctionArn, except the
// finishes of the two traffic flows, which are one function.
const STEPS = ['StartDeployment', 'PlanNextBatch', 'RunLifecycleEvent', 'HandleEventTimeout', 'CheckTraffic', 'FinishDeployment'];
const LAMBDA_STEPS = ['StartLambdaDeployment', 'RunHook', 'ShiftAlias', 'WaitForShift', 'FinishTrafficDeployment'];
const ECS_STEPS = ['StartEcsDeployment', 'RunHook', 'AdvanceEcs', 'WaitForShift', 'FinishTrafficDeployment'];
const TRAFFIC_FINISH: Readonly<Record<string, string>> = {
  FinishLambdaDeploymentFunctionArn: 'FinishTrafficDeployment',
  FinishEcsDeploymentFunctionArn: 'FinishTrafficDeployment',
};
/** The construct id of the function a placeholder stands for. */
const stepOf = (placeholder: string): string => TRAFFIC_FINISH[placeholder] ?? placeholder.replace(/FunctionArn$/, '');
// EventBridge invokes HostReport (SSM status events), AlarmEvent (CloudWatch alarms) and LockSweep (a schedule); API
// Gateway invokes Api.
const HANDLERS = [...STEPS, 'HostReport', ...new Set([...LAMBDA_STEPS, ...ECS_STEPS]), 'AlarmEvent', 'Api', 'LockSweep'];
const roleOf = (handler: string): string => logicalId('AWS::IAM::Role', `ServiceFunctions${handler}Role`);
const functionArnOf = (handler: string): CfnValue => ({ 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', `ServiceFunctions${handler}`), 'Arn'] });
const REVISIONS_BUCKET = 'ServiceRevisionsBucket';
const ACCESS_LOG_BUCKET = 'ServiceRevisionsAccessLogs';

describe('CutoverStack: table', () => {
  it('is keyed, indexed and billed as the store expects, with PITR and the command TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      },
    });
  });

  it('can be made disposable for test environments', () => {
    const disposable = synthesize({ tableRemovalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
    disposable.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });

  it.each([
    [undefined, true],
    [true, true],
    [false, false],
  ])('deletionProtection %s turns DynamoDB deletion protection %s', (deletionProtection, enabled) => {
    synthesize({ deletionProtection }).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: enabled })],
    });
  });
});

describe('CutoverStack: revisions bucket', () => {
  const bucket = (): CfnResource & { DeletionPolicy?: string } =>
    template.toJSON().Resources[logicalId('AWS::S3::Bucket', REVISIONS_BUCKET)] as CfnResource & { DeletionPolicy?: string };

  it('is encrypted with S3-managed keys, versioned, private and kept when the stack goes', () => {
    expect(bucket()).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
  });

  it.each([REVISIONS_BUCKET, ACCESS_LOG_BUCKET])('%s refuses every request that is not over TLS', (bucketId) => {
    const id = logicalId('AWS::S3::Bucket', bucketId);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
          },
        ]),
      },
    });
  });

  it('lets the ECS advance step pass task definition roles, to ECS tasks only, and no other function pass any role', () => {
    const passing = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[]).map((statement) => ({ policy, statement })))
      .filter(({ statement }) => [statement.Action].flat().includes('iam:PassRole'));
    expect(passing.map(({ statement }) => statement.Condition)).toEqual([{ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }]);
    expect(JSON.stringify(passing[0].policy.Properties.Roles)).toContain('AdvanceEcs');
  });

  it('logs server access to a private access-log bucket that only its own log delivery may write to', () => {
    const logs = logicalId('AWS::S3::Bucket', ACCESS_LOG_BUCKET);
    expect(bucket().Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logs }, LogFilePrefix: 'revisions/' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs, 'Arn'] }, '/revisions/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId('AWS::S3::Bucket', REVISIONS_BUCKET), 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it.each([
    [undefined, 'Retain'],
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('revisionBucketRemovalPolicy %s gives both buckets DeletionPolicy %s', (revisionBucketRemovalPolicy, deletionPolicy) => {
    const buckets = synthesize({ revisionBucketRemovalPolicy }).findResources('AWS::S3::Bucket');
    expect(Object.values(buckets).map((resource) => resource.DeletionPolicy)).toEqual([deletionPolicy, deletionPolicy]);
  });
});

describe('CutoverStack: host policy', () => {
  it('lets hosts write script output to the command-output log group, and look log groups up', () => {
    const commandOutput = logicalId('AWS::Logs::LogGroup', 'ServiceCommandOutput');
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [commandOutput, 'Arn'] },
          },
          { Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
        ],
      },
    });
  });

  it('is left for users to attach: no role of the stack has it', () => {
    const policy = logicalId('AWS::IAM::ManagedPolicy', 'ServiceHostPolicy');
    const roles = Object.values(resourcesOf('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.filter((role) => JSON.stringify(role.Properties.ManagedPolicyArns ?? []).includes(policy))).toEqual([]);
  });
});

describe('CutoverStack: outputs', () => {
  it.each([
    ['RevisionBucketName', () => ({ Ref: logicalId('AWS::S3::Bucket', REVISIONS_BUCKET) })],
    ['HostPolicyArn', () => ({ Ref: logicalId('AWS::IAM::ManagedPolicy', 'ServiceHostPolicy') })],
    ['StateMachineArn', () => ({ Ref: logicalId('AWS::StepFunctions::StateMachine', 'ServiceServerInPlace') })],
    ['LambdaStateMachineArn', () => ({ Ref: logicalId('AWS::StepFunctions::StateMachine', 'ServiceLambdaTrafficShift') })],
    ['EcsStateMachineArn', () => ({ Ref: logicalId('AWS::StepFunctions::StateMachine', 'ServiceEcsBlueGreen') })],
  ])('outputs %s', (name, value) => {
    template.hasOutput(name, { Value: value(), Description: Match.stringLikeRegexp('.+') });
  });
});

describe('CutoverStack: functions', () => {
  it('runs every handler on nodejs22.x and arm64', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function'));
    expect(functions).toHaveLength(HANDLERS.length);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('gives every handler the environment aws-dependencies.ts parses', () => {
    for (const fn of Object.values(resourcesOf('AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, CfnValue> }).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'ECS_STATE_MACHINE_ARN',
          'EVENT_BUS_NAME',
          'LAMBDA_STATE_MACHINE_ARN',
          'LOG_LEVEL',
          'NODE_OPTIONS',
          'POWERTOOLS_SERVICE_NAME',
          'SSM_LOG_GROUP',
          'STATE_MACHINE_ARN',
          'TABLE_NAME',
        ].sort(),
      );
      expect(JSON.stringify(variables.STATE_MACHINE_ARN)).toMatch(/:stateMachine:Cutover-Service-[0-9A-F]+-ServerInPlace"/);
      expect(JSON.stringify(variables.LAMBDA_STATE_MACHINE_ARN)).toMatch(/:stateMachine:Cutover-Service-[0-9A-F]+-LambdaTrafficShift"/);
      expect(JSON.stringify(variables.ECS_STATE_MACHINE_ARN)).toMatch(/:stateMachine:Cutover-Service-[0-9A-F]+-EcsBlueGreen"/);
      expect(variables.EVENT_BUS_NAME).toEqual({ Ref: logicalId('AWS::Events::EventBus', 'ServiceEvents') });
    }
  });

  it('checks traffic with its own function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Cutover: look again at a load balancer change and decide whether the batch waits more',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it('gives each handler its own role', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    const roles = HANDLERS.map((handler) => functions[logicalId('AWS::Lambda::Function', `ServiceFunctions${handler}`)].Properties.Role);
    expect(new Set(roles.map((role) => JSON.stringify(role))).size).toBe(HANDLERS.length);
  });
});

describe.each([
  ['ServerInPlace', ASL, STEPS, 'definitionPath', '${FinishDeploymentFunctionArn}'],
  ['LambdaTrafficShift', LAMBDA_ASL, LAMBDA_STEPS, 'lambdaDefinitionPath', '${FinishLambdaDeploymentFunctionArn}'],
  ['EcsBlueGreen', ECS_ASL, ECS_STEPS, 'ecsDefinitionPath', '${FinishEcsDeploymentFunctionArn}'],
] as const)('CutoverStack: %s state machine', (flow, asl, steps, pathProp, lastPlaceholder) => {
  const stateMachine = (): CfnResource => resourcesOf('AWS::StepFunctions::StateMachine')[logicalId('AWS::StepFunctions::StateMachine', `Service${flow}`)];

  it('is one of the three machines of the stack, named after its flow', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 3);
    expect(stateMachine().Properties.StateMachineName).toMatch(new RegExp(`^Cutover-Service-[0-9A-F]+-${flow}$`));
  });

  it('inlines the ASL file unchanged, placeholders included', () => {
    expect(definitionText(stateMachine().Properties.DefinitionString)).toBe(asl);
  });

  it('substitutes every placeholder of the ASL file with the ARN of the function of that name', () => {
    const substitutions = stateMachine().Properties.DefinitionSubstitutions as Record<string, CfnValue>;
    expect(Object.keys(substitutions).sort()).toEqual(aslPlaceholders(asl).sort());
    expect(Object.keys(substitutions).map(stepOf).sort()).toEqual([...steps].sort());
    for (const [placeholder, value] of Object.entries(substitutions)) {
      expect(value).toEqual(functionArnOf(stepOf(placeholder)));
    }
  });

  it('becomes, once substituted, a definition that names a step function in every Task and no placeholder', () => {
    const substitutions = stateMachine().Properties.DefinitionSubstitutions as Record<string, CfnValue>;
    const substituted = asl.replace(/\$\{(\w+)\}/g, (_match, name: string) => JSON.stringify(substitutions[name]).replace(/"/g, "'"));
    expect(aslPlaceholders(substituted)).toEqual([]);
    const functionNames = [...substituted.matchAll(/"FunctionName": "([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(functionNames)).toEqual(new Set(steps.map((handler) => JSON.stringify(functionArnOf(handler)).replace(/"/g, "'"))));
  });

  it('is a STANDARD machine that logs everything to its own vended log group and traces with X-Ray', () => {
    const logs = logicalId('AWS::Logs::LogGroup', `Service${flow}Logs`);
    expect(stateMachine().Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logs, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    expect(resourcesOf('AWS::Logs::LogGroup')[logs].Properties.LogGroupName).toMatch(
      new RegExp(`^/aws/vendedlogs/states/Cutover-Service-[0-9A-F]+-${flow}$`),
    );
  });

  it('may invoke exactly its step functions, unqualified', () => {
    const invoke = statementsOfRole(logicalId('AWS::IAM::Role', `Service${flow}Role`)).filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(steps.map(functionArnOf));
  });

  it('refuses an ASL file with a placeholder it has no function for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-asl-'));
    const definitionPath = path.join(dir, 'extra.asl.json');
    fs.writeFileSync(definitionPath, asl.replace(lastPlaceholder, '${RollbackFunctionArn}'));

    expect(() => synthesize({ [pathProp]: definitionPath })).toThrow(`${definitionPath} uses placeholders with no function: RollbackFunctionArn`);
  });
});

describe('CutoverStack: SSM status events', () => {
  it('forwards finished AWS-RunShellScript invocations from the default bus to the host-report handler', () => {
    const hostReport = logicalId('AWS::Lambda::Function', 'ServiceFunctionsHostReport');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['EC2 Command Invocation Status-change Notification'],
        detail: { status: ['Success', 'Failed', 'TimedOut', 'Cancelled'], 'document-name': ['AWS-RunShellScript'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [hostReport, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [hostReport, 'Arn'] },
    });
  });
});

describe('CutoverStack: CloudWatch alarm events', () => {
  it('forwards alarms going to ALARM from the default bus to the alarm handler, in the shape the handler parses', () => {
    const alarmEvent = logicalId('AWS::Lambda::Function', 'ServiceFunctionsAlarmEvent');
    const rule = resourcesOf('AWS::Events::Rule')[logicalId('AWS::Events::Rule', 'ServiceAlarmState')];
    expect(rule.Properties.EventPattern).toEqual({
      source: [ALARM_STATE_CHANGE_SOURCE],
      'detail-type': [ALARM_STATE_CHANGE_DETAIL_TYPE],
      detail: { state: { value: ['ALARM'] } },
    });
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [alarmEvent, 'Arn'] } })]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [alarmEvent, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalId('AWS::Events::Rule', 'ServiceAlarmState'), 'Arn'] },
    });
  });

  it('has both rules and the lock sweep schedule, and only them, on the default bus, where AWS services send their events', () => {
    const rules = Object.values(resourcesOf('AWS::Events::Rule'));
    expect(rules).toHaveLength(3);
    expect(rules.map((rule) => rule.Properties.EventBusName)).toEqual([undefined, undefined, undefined]);
  });
});

describe('CutoverStack: lock sweep schedule', () => {
  it('invokes the lock-sweep handler every five minutes, without retrying a failed sweep', () => {
    const lockSweep = logicalId('AWS::Lambda::Function', 'ServiceFunctionsLockSweep');
    const ruleId = logicalId('AWS::Events::Rule', 'ServiceLockSweepSchedule');
    const rule = resourcesOf('AWS::Events::Rule')[ruleId];
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [lockSweep, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [lockSweep, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('gives the sweep less time than the schedule leaves between two sweeps, so they never overlap', () => {
    const fn = resourcesOf('AWS::Lambda::Function')[logicalId('AWS::Lambda::Function', 'ServiceFunctionsLockSweep')];
    expect(fn.Properties.Timeout).toBeLessThan(5 * 60);
  });
});

describe('CutoverStack: permissions', () => {
  const SERVER_MACHINE = /:stateMachine:Cutover-Service-[0-9A-F]+-ServerInPlace"/;
  const LAMBDA_MACHINE = /:stateMachine:Cutover-Service-[0-9A-F]+-LambdaTrafficShift"/;
  const ECS_MACHINE = /:stateMachine:Cutover-Service-[0-9A-F]+-EcsBlueGreen"/;
  const callbacksOf = (handler: string): [string[], string][] =>
    statementsOfRole(roleOf(handler))
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('states:SendTask')))
      .map((statement) => [[statement.Action].flat(), JSON.stringify([statement.Resource].flat())]);

  it('lets the handlers that end task-token waits do so, each on the state machines of the flows whose waits it ends only', () => {
    const granted = Object.fromEntries(HANDLERS.map((handler) => [handler, callbacksOf(handler).map(([actions]) => actions)]));
    expect(granted).toEqual({
      // Server steps answer with success only: failures travel in the success output.
      StartDeployment: [],
      PlanNextBatch: [],
      RunLifecycleEvent: [['states:SendTaskSuccess']],
      HandleEventTimeout: [['states:SendTaskSuccess']],
      CheckTraffic: [],
      FinishDeployment: [],
      HostReport: [['states:SendTaskSuccess']],
      StartLambdaDeployment: [],
      RunHook: [['states:SendTaskSuccess', 'states:SendTaskFailure']],
      ShiftAlias: [],
      WaitForShift: [['states:SendTaskSuccess', 'states:SendTaskFailure']],
      FinishTrafficDeployment: [],
      StartEcsDeployment: [],
      AdvanceEcs: [],
      // An alarm only ever fails the waits it ends: a Server batch's, a Lambda or ECS hook's or shift's.
      AlarmEvent: [['states:SendTaskFailure']],
      // Hook statuses, continue and stop.
      Api: [['states:SendTaskSuccess', 'states:SendTaskFailure']],
      // Lock recovery finishes dead deployments itself; it ends no wait.
      LockSweep: [],
    });
    for (const handler of ['RunLifecycleEvent', 'HandleEventTimeout', 'HostReport']) {
      expect(callbacksOf(handler)[0][1]).toMatch(SERVER_MACHINE);
    }
    // Lambda and ECS waits alike: the same steps and the API end them.
    for (const handler of ['RunHook', 'WaitForShift', 'Api']) {
      const [lambda, ecs, ...others] = JSON.parse(callbacksOf(handler)[0][1]) as CfnValue[];
      expect([JSON.stringify(lambda), JSON.stringify(ecs), others]).toEqual([expect.stringMatching(LAMBDA_MACHINE), expect.stringMatching(ECS_MACHINE), []]);
    }
    // The alarm handler also ends the batch wait of a Server deployment it stops.
    const [server, lambda, ecs, ...others] = JSON.parse(callbacksOf('AlarmEvent')[0][1]) as CfnValue[];
    expect([JSON.stringify(server), JSON.stringify(lambda), JSON.stringify(ecs), others]).toEqual([
      expect.stringMatching(SERVER_MACHINE),
      expect.stringMatching(LAMBDA_MACHINE),
      expect.stringMatching(ECS_MACHINE),
      [],
    ]);
  });

  it('lets the API and the lock sweep start any flow, finish-traffic-deployment (the next queued deployment) the Lambda and ECS flows, and finish-deployment (rollbacks, the next queued deployment) and plan-next-batch (hand-over) the server flow only', () => {
    const starts = (handler: string): string[] =>
      statementsOfRole(roleOf(handler))
        .filter((statement) => statement.Action === 'states:StartExecution')
        .flatMap((statement) => [statement.Resource].flat().map((resource) => JSON.stringify(resource)));
    const starters = Object.fromEntries(HANDLERS.map((handler) => [handler, starts(handler).length]).filter(([, count]) => count !== 0));
    expect(starters).toEqual({ PlanNextBatch: 1, FinishDeployment: 1, FinishTrafficDeployment: 2, Api: 3, LockSweep: 3 });
    expect(starts('PlanNextBatch')[0]).toMatch(SERVER_MACHINE);
    expect(starts('FinishDeployment')[0]).toMatch(SERVER_MACHINE);
    // A group deploys to one platform, so the deployment queued next in a Lambda or ECS group runs on the same flow.
    expect(starts('FinishTrafficDeployment')[0]).toMatch(LAMBDA_MACHINE);
    expect(starts('FinishTrafficDeployment')[1]).toMatch(ECS_MACHINE);
    for (const anyFlow of ['Api', 'LockSweep']) {
      expect(starts(anyFlow)[0]).toMatch(SERVER_MACHINE);
      expect(starts(anyFlow)[1]).toMatch(LAMBDA_MACHINE);
      expect(starts(anyFlow)[2]).toMatch(ECS_MACHINE);
    }
  });

  it.each(['Api', 'LockSweep'])('lets only the API and the lock sweep read executions, of all three machines, for lock recovery: %s', (reader) => {
    const readers = HANDLERS.filter((handler) => actionsOfRole(roleOf(handler)).includes('states:DescribeExecution'));
    expect(readers).toEqual(['Api', 'LockSweep']);
    const describe = statementsOfRole(roleOf(reader)).find((statement) => statement.Action === 'states:DescribeExecution');
    expect([describe?.Resource].flat().map((resource) => JSON.stringify(resource).match(/:execution:Cutover-Service-[0-9A-F]+-(\w+):\*"/)?.[1])).toEqual([
      'ServerInPlace',
      'LambdaTrafficShift',
      'EcsBlueGreen',
    ]);
  });

  it('sends commands from run-lifecycle-event, cancels them from it and the alarm handler, and reads invocations from host-report and handle-event-timeout only', () => {
    const ssmActions = Object.fromEntries(
      HANDLERS.map((handler) => [handler, actionsOfRole(roleOf(handler)).filter((action) => action.startsWith('ssm:'))]),
    );
    expect(ssmActions).toEqual({
      StartDeployment: ['ssm:DescribeInstanceInformation', 'ssm:ListTagsForResource'],
      PlanNextBatch: [],
      RunLifecycleEvent: ['ssm:SendCommand', 'ssm:ListCommands', 'ssm:CancelCommand', 'ssm:DescribeInstanceInformation'],
      HandleEventTimeout: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      CheckTraffic: [],
      FinishDeployment: [],
      HostReport: ['ssm:GetCommandInvocation'],
      StartLambdaDeployment: [],
      RunHook: [],
      ShiftAlias: [],
      WaitForShift: [],
      FinishTrafficDeployment: [],
      StartEcsDeployment: [],
      AdvanceEcs: [],
      // An alarm cancels the commands of the batch it stops.
      AlarmEvent: ['ssm:ListCommands', 'ssm:CancelCommand'],
      Api: [],
      LockSweep: [],
    });
  });

  // Each handler's statements on *, one per grant: reads without resource-level permissions (or, for DescribeAlarms,
  // that return composite alarms only on *), and the command cancels of an alarm stop, which have no resource type.
  const ALARM_READS = ['cloudwatch:DescribeAlarms'];
  const COMMAND_CANCELS = ['ssm:ListCommands', 'ssm:CancelCommand'];
  const BALANCER_READS = [
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetGroupAttributes',
    'elasticloadbalancing:DescribeTargetHealth',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeLoadBalancerAttributes',
    'elasticloadbalancing:DescribeInstanceHealth',
  ];
  it.each([
    // Alarms are polled before any host is touched, before each batch and while a batch waits on its load balancers.
    ['StartDeployment', [['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups', 'ssm:DescribeInstanceInformation'], ALARM_READS]],
    [
      'RunLifecycleEvent',
      [
        COMMAND_CANCELS,
        ['ssm:DescribeInstanceInformation', ...BALANCER_READS],
      ],
    ],
    [
      'CheckTraffic',
      [
        BALANCER_READS,
        ALARM_READS,
      ],
    ],
    ['HandleEventTimeout', [['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation']]],
    ['HostReport', [['ssm:GetCommandInvocation']]],
    ['PlanNextBatch', [ALARM_READS]],
    ['FinishDeployment', []],
    // Lock recovery gives an ECS deployment's listeners back, as finish-traffic-deployment does.
    ['Api', [['elasticloadbalancing:DescribeListeners']]],
    ['LockSweep', [['elasticloadbalancing:DescribeListeners']]],
    // DescribeAlarms has a resource type, but composite alarms come back only to callers allowed it on *.
    ['ShiftAlias', [ALARM_READS]],
    ['WaitForShift', [ALARM_READS]],
    ['StartLambdaDeployment', [ALARM_READS]],
    ['RunHook', [ALARM_READS]],
    ['FinishTrafficDeployment', [['elasticloadbalancing:DescribeListeners']]],
    ['StartEcsDeployment', [ALARM_READS, ['elasticloadbalancing:DescribeTargetGroups']]],
    ['AlarmEvent', [COMMAND_CANCELS]],
  ])('grants %s, on *, only these reads and command cancels that cannot be narrowed, one statement each: %j', (handler, statements) => {
    const onStar = statementsOfRole(roleOf(handler)).filter((statement) => statement.Resource === '*');
    expect(onStar.map((statement) => [statement.Action].flat())).toEqual(statements);
  });

  it('grants each handler the item actions on the base table that its store calls send, and no more', () => {
    const table = { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'ServiceTable'), 'Arn'] };
    const itemActions = (handler: string): string[][] =>
      statementsOfRole(roleOf(handler))
        .filter((statement) => [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(table)))
        .map((statement) => [statement.Action].flat());
    const ALL = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem'];
    const granted = Object.fromEntries(HANDLERS.map((handler) => [handler, itemActions(handler)]));
    expect(granted).toEqual(
      Object.fromEntries(
        Object.entries({
          StartDeployment: ['GetItem', 'UpdateItem', 'Query', 'BatchWriteItem'],
          PlanNextBatch: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem', 'BatchWriteItem'],
          RunLifecycleEvent: ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          HandleEventTimeout: ['GetItem', 'UpdateItem', 'BatchWriteItem'],
          CheckTraffic: ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          FinishDeployment: ALL,
          HostReport: ['GetItem', 'UpdateItem', 'BatchWriteItem'],
          StartLambdaDeployment: ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          RunHook: ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          ShiftAlias: ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          WaitForShift: ['GetItem', 'UpdateItem'],
          // Starting the deployment queued next in the group it frees takes the lock for it (PutItem).
          FinishTrafficDeployment: ALL,
          StartEcsDeployment: ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          AdvanceEcs: ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem'],
          // Records a Server deployment's alarm stop and closes the events it cancels (UpdateItem); never puts or deletes.
          AlarmEvent: ['GetItem', 'Query', 'UpdateItem'],
          Api: ALL,
          LockSweep: ALL,
        }).map(([handler, actions]) => [handler, [actions.map((action) => `dynamodb:${action}`)]]),
      ),
    );
  });

  it('grants advance-ecs, on *, the alarm reads of every step that changes traffic, the load balancer reads of ECS deployments and passing task roles', () => {
    const onStar = statementsOfRole(roleOf('AdvanceEcs')).filter((statement) => statement.Resource === '*');
    expect(onStar.map((statement) => [statement.Action].flat())).toEqual([
      ['cloudwatch:DescribeAlarms'],
      ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeListeners'],
      ['iam:PassRole'],
    ]);
  });

  it('reads the tags of on-premises nodes for target selection, on managed instances only', () => {
    const tags = statementsOfRole(roleOf('StartDeployment')).filter((statement) => statement.Action === 'ssm:ListTagsForResource');
    expect(tags).toHaveLength(1);
    expect(JSON.stringify(tags[0].Resource)).toMatch(/:managed-instance\/\*"\]\]\}$/);
  });

  it('moves instances in and out of every target group and classic load balancer of the account by default', () => {
    const moves = statementsOfRole(roleOf('RunLifecycleEvent')).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('elasticloadbalancing:Register')),
    );
    expect(moves.map((statement) => [[statement.Action].flat(), JSON.stringify(statement.Resource).match(/:(targetgroup|loadbalancer)\/[^"]*/)?.[0]])).toEqual([
      [['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], ':targetgroup/*/*'],
      [['elasticloadbalancing:RegisterInstancesWithLoadBalancer', 'elasticloadbalancing:DeregisterInstancesFromLoadBalancer'], ':loadbalancer/*'],
    ]);
  });

  const TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
  const CLASSIC = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/web-classic';
  it.each([
    [{ targetGroups: [TARGET_GROUP] }, [[['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], TARGET_GROUP]], true],
    [
      { classicLoadBalancers: [CLASSIC], targetGroups: [] },
      [[['elasticloadbalancing:RegisterInstancesWithLoadBalancer', 'elasticloadbalancing:DeregisterInstancesFromLoadBalancer'], CLASSIC]],
      false,
    ],
  ])('narrows the moves to loadBalancerArns %j', (loadBalancerArns, expected, classicByDefault) => {
    const narrowed = synthesize({ loadBalancerArns }).toJSON().Resources as Record<string, CfnPolicy & { Type: string }>;
    const statements = Object.entries(narrowed)
      .filter(([id, resource]) => resource.Type === 'AWS::IAM::Policy' && id.startsWith('ServiceFunctionsRunLifecycleEventRole'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().some((action) => /^elasticloadbalancing:(Reg|Dereg)/.test(action)));
    const narrowedMoves = statements.filter((statement) => typeof statement.Resource === 'string');
    expect(narrowedMoves.map((statement) => [[statement.Action].flat(), statement.Resource])).toEqual(expected);
    // The kind left out keeps its account-wide default, or none when given an empty list.
    expect(statements.length - narrowedMoves.length).toBe(classicByDefault ? 1 : 0);
  });

  it('grants no wildcard action anywhere', () => {
    const actions = policies().flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  // run-lifecycle-event presigns bundle URLs; the API checks revisions and reads their appspec.
  const REVISION_READERS = ['RunLifecycleEvent', 'Api'];
  const readsObjectsOf = (policyHolder: Template, reader: string, objects: CfnValue): void => {
    policyHolder.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleOf(reader) }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: objects }]),
      },
    });
  };
  const objectsOfNamed = (name: string): CfnValue => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${name}/*`]] });

  it("lets run-lifecycle-event and the API, and no other handler, read the objects of the stack's revisions bucket", () => {
    for (const reader of REVISION_READERS) {
      readsObjectsOf(template, reader, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId('AWS::S3::Bucket', REVISIONS_BUCKET), 'Arn'] }, '/*']] });
    }
    const readers = HANDLERS.filter((handler) => actionsOfRole(roleOf(handler)).some((action) => action.startsWith('s3:')));
    expect(readers).toEqual(REVISION_READERS);
  });

  it.each(REVISION_READERS)('lets %s read objects of the revision buckets it is given', (reader) => {
    readsObjectsOf(synthesize({ revisionBucketNames: ['my-bundles'] }), reader, objectsOfNamed('my-bundles'));
  });

  it.each(REVISION_READERS)('lets %s read a bucket added after the construct with grantRevisionRead', (reader) => {
    const stack = stackOf();
    stack.service.grantRevisionRead(Bucket.fromBucketName(stack, 'Later', 'later-bundles'));
    readsObjectsOf(Template.fromStack(stack), reader, objectsOfNamed('later-bundles'));
  });
});

/** `arn:<partition>:<service>:<region>:<account>:<resource>` as the stack writes it. */
const accountWideArn = (service: string, resource: string): CfnValue => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});

/** Each handler's statements granting an action `picked` picks, as [actions, resources]; handlers with none left out. */
function grantsOf(from: Template, picked: (action: string) => boolean): Record<string, [string[], CfnValue[]][]> {
  const statementsOf = (handler: string): PolicyStatement[] =>
    Object.entries(from.findResources('AWS::IAM::Policy') as Record<string, CfnPolicy>)
      .filter(([id]) => id.startsWith(`ServiceFunctions${handler}Role`))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
  return Object.fromEntries(
    HANDLERS.map((handler): [string, [string[], CfnValue[]][]] => [
      handler,
      statementsOf(handler)
        .filter((statement) => [statement.Action].flat().some(picked))
        .map((statement) => [[statement.Action].flat(), [statement.Resource].flat()]),
    ]).filter(([, grants]) => grants.length > 0),
  );
}

describe('CutoverStack: Lambda deployment permissions', () => {
  const accountWide = (functionName: string): CfnValue => accountWideArn('lambda', `function:${functionName}`);
  const lambdaGrants = (from: Template): Record<string, [string[], CfnValue[]][]> => grantsOf(from, (action) => action.startsWith('lambda:'));

  it('reads and shifts aliases of every function of the account and region, and invokes hooks named CodeDeployHook_*, by default', () => {
    expect(lambdaGrants(template)).toEqual({
      StartLambdaDeployment: [[['lambda:GetAlias', 'lambda:GetFunctionConfiguration'], [accountWide('*')]]],
      RunHook: [[['lambda:InvokeFunction'], [accountWide('CodeDeployHook_*')]]],
      ShiftAlias: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [accountWide('*')]]],
      FinishTrafficDeployment: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [accountWide('*')]]],
      // Lock recovery (createDeployment's, and the sweep's) puts the alias of a dead deployment back.
      Api: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [accountWide('*')]]],
      LockSweep: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [accountWide('*')]]],
    });
  });

  const ORDERS = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';
  const TEAM = 'arn:aws:lambda:us-east-1:123456789012:function:team-*';
  const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:orders-smoke-test';

  it('narrows the alias grants to lambdaFunctionArns, each with its versions and aliases', () => {
    expect(lambdaGrants(synthesize({ lambdaFunctionArns: [ORDERS, TEAM] }))).toMatchObject({
      StartLambdaDeployment: [[['lambda:GetAlias', 'lambda:GetFunctionConfiguration'], [ORDERS, `${ORDERS}:*`, TEAM]]],
      ShiftAlias: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [ORDERS, `${ORDERS}:*`, TEAM]]],
      FinishTrafficDeployment: [[['lambda:GetAlias', 'lambda:UpdateAlias'], [ORDERS, `${ORDERS}:*`, TEAM]]],
    });
  });

  it('narrows the hook invocation to hookFunctionArns, each with its versions and aliases, and to none when empty', () => {
    expect(lambdaGrants(synthesize({ hookFunctionArns: [HOOK] })).RunHook).toEqual([[['lambda:InvokeFunction'], [HOOK, `${HOOK}:*`]]]);
    expect(lambdaGrants(synthesize({ hookFunctionArns: [] })).RunHook).toBeUndefined();
  });

  it('lets only the steps that poll alarms read them: the start of each flow, each Server batch and load balancer wait, each hook or shift wait, each alias shift and ECS change', () => {
    const readers = HANDLERS.filter((handler) => actionsOfRole(roleOf(handler)).some((action) => action.startsWith('cloudwatch:')));
    expect(readers).toEqual([
      'StartDeployment',
      'PlanNextBatch',
      'CheckTraffic',
      'StartLambdaDeployment',
      'RunHook',
      'ShiftAlias',
      'WaitForShift',
      'StartEcsDeployment',
      'AdvanceEcs',
    ]);
  });

  it('lets only the alarm handler, the API and the lock sweep list deployments through the index', () => {
    const index = (handler: string): CfnValue[] =>
      statementsOfRole(roleOf(handler))
        .filter((statement) => statement.Action === 'dynamodb:Query')
        .flatMap((statement) => [statement.Resource].flat())
        .filter((resource) => JSON.stringify(resource).includes('/index/gsi1'));
    // The sweep looks for the deployments of groups deleted by hand.
    expect(HANDLERS.filter((handler) => index(handler).length > 0)).toEqual(['AlarmEvent', 'Api', 'LockSweep']);
  });
});

describe('CutoverStack: ECS deployment permissions', () => {
  /** The ecs:* and elasticloadbalancing:ModifyListener grants: what ECS deployments change. */
  const ecsGrants = (from: Template): Record<string, [string[], CfnValue[]][]> =>
    grantsOf(from, (action) => action.startsWith('ecs:') || action === 'elasticloadbalancing:ModifyListener');

  it('changes every service and its task sets, and weights every listener, of the account and region by default', () => {
    const services = accountWideArn('ecs', 'service/*/*');
    const taskSets = accountWideArn('ecs', 'task-set/*/*/*');
    const listeners = accountWideArn('elasticloadbalancing', 'listener/*/*/*/*');
    expect(ecsGrants(template)).toEqual({
      StartEcsDeployment: [[['ecs:DescribeServices'], [services]]],
      AdvanceEcs: [
        [['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'], [services]],
        [['ecs:CreateTaskSet', 'ecs:DescribeTaskSets', 'ecs:DeleteTaskSet'], [taskSets]],
        [['elasticloadbalancing:ModifyListener'], [listeners]],
      ],
      // A deployment that did not succeed: the original primary again, the replacement gone, the listeners back;
      // lock recovery does the same for a deployment whose execution died.
      ...Object.fromEntries(
        ['FinishTrafficDeployment', 'Api', 'LockSweep'].map((finisher) => [
          finisher,
          [
            [['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'], [services]],
            [['ecs:DeleteTaskSet'], [taskSets]],
            [['elasticloadbalancing:ModifyListener'], [listeners]],
          ],
        ]),
      ),
    });
  });

  const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/orders/orders-web';
  const TEAM = 'arn:aws:ecs:us-east-1:123456789012:service/team-*/*';
  const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/orders/0123456789abcdef/fedcba9876543210';

  it('narrows the service and task-set grants to ecsServiceArns, and ModifyListener to ecsListenerArns', () => {
    expect(ecsGrants(synthesize({ ecsServiceArns: [SERVICE, TEAM], ecsListenerArns: [LISTENER] }))).toEqual({
      StartEcsDeployment: [[['ecs:DescribeServices'], [SERVICE, TEAM]]],
      AdvanceEcs: [
        [['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'], [SERVICE, TEAM]],
        [
          ['ecs:CreateTaskSet', 'ecs:DescribeTaskSets', 'ecs:DeleteTaskSet'],
          ['arn:aws:ecs:us-east-1:123456789012:task-set/orders/orders-web/*', 'arn:aws:ecs:us-east-1:123456789012:task-set/team-*/*/*'],
        ],
        [['elasticloadbalancing:ModifyListener'], [LISTENER]],
      ],
      ...Object.fromEntries(
        ['FinishTrafficDeployment', 'Api', 'LockSweep'].map((finisher) => [
          finisher,
          [
            [['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'], [SERVICE, TEAM]],
            [['ecs:DeleteTaskSet'], ['arn:aws:ecs:us-east-1:123456789012:task-set/orders/orders-web/*', 'arn:aws:ecs:us-east-1:123456789012:task-set/team-*/*/*']],
            [['elasticloadbalancing:ModifyListener'], [LISTENER]],
          ],
        ]),
      ),
    });
  });

  it('grants no service, task-set or listener change when both lists are empty', () => {
    expect(ecsGrants(synthesize({ ecsServiceArns: [], ecsListenerArns: [] }))).toEqual({});
  });

  it.each([
    ['a cluster ARN', 'arn:aws:ecs:us-east-1:123456789012:cluster/orders'],
    ['a service ARN of the old format, without its cluster', 'arn:aws:ecs:us-east-1:123456789012:service/orders-web'],
    ['a service name', 'orders-web'],
  ])('refuses %s in ecsServiceArns, since its task sets cannot be named', (_case, arn) => {
    expect(() => synthesize({ ecsServiceArns: [arn] })).toThrow(`ecsServiceArns: '${arn}' is not an ECS service ARN`);
  });

  it('reads target groups, target health and listeners only where ECS steps need them', () => {
    const readers = (action: string): string[] => HANDLERS.filter((handler) => actionsOfRole(roleOf(handler)).includes(action));
    expect(readers('elasticloadbalancing:DescribeListeners')).toEqual(['FinishTrafficDeployment', 'AdvanceEcs', 'Api', 'LockSweep']);
    expect(readers('elasticloadbalancing:DescribeTargetGroups')).toEqual(['RunLifecycleEvent', 'CheckTraffic', 'StartEcsDeployment', 'AdvanceEcs']);
  });
});
