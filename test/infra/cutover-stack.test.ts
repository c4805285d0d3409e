import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CutoverStack } from '../../lib/infra/cutover-stack';
import { aslPlaceholders } from '../../lib/infra/cutover-state-machine';

const ASL_PATH = path.join(__dirname, '..', '..', 'statemachines', 'server-in-place.asl.json');
const ASL = fs.readFileSync(ASL_PATH, 'utf8');

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

const HANDLERS = [
  'StartDeployment',
  'PlanNextBatch',
  'RunLifecycleEvent',
  'HandleEventTimeout',
  'CheckTraffic',
  'FinishDeployment',
  'HostReport',
  'Api',
];
// Every handler but HostReport, which EventBridge invokes, and Api, which API Gateway invokes.
const STEPS = HANDLERS.filter((handler) => handler !== 'HostReport' && handler !== 'Api');
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
        ['EVENT_BUS_NAME', 'LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'SSM_LOG_GROUP', 'STATE_MACHINE_ARN', 'TABLE_NAME'].sort(),
      );
      expect(JSON.stringify(variables.STATE_MACHINE_ARN)).toContain(':stateMachine:Cutover-Service-');
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

describe('CutoverStack: state machine', () => {
  const [stateMachine] = Object.values(resourcesOf('AWS::StepFunctions::StateMachine'));

  it('inlines the ASL file unchanged, placeholders included', () => {
    expect(definitionText(stateMachine.Properties.DefinitionString)).toBe(ASL);
  });

  it('substitutes every placeholder of the ASL file with the ARN of the function of that name', () => {
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, CfnValue>;
    expect(Object.keys(substitutions).sort()).toEqual(aslPlaceholders(ASL).sort());
    expect(Object.keys(substitutions).sort()).toEqual(STEPS.map((handler) => `${handler}FunctionArn`).sort());
    for (const [placeholder, value] of Object.entries(substitutions)) {
      expect(value).toEqual(functionArnOf(placeholder.replace(/FunctionArn$/, '')));
    }
  });

  it('becomes, once substituted, a definition that names a step function in every Task and no placeholder', () => {
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, CfnValue>;
    const substituted = ASL.replace(/\$\{(\w+)\}/g, (_match, name: string) => JSON.stringify(substitutions[name]).replace(/"/g, "'"));
    expect(aslPlaceholders(substituted)).toEqual([]);
    const functionNames = [...substituted.matchAll(/"FunctionName": "([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(functionNames)).toEqual(new Set(STEPS.map((handler) => JSON.stringify(functionArnOf(handler)).replace(/"/g, "'"))));
  });

  it('is a STANDARD machine that logs everything and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceServerInPlaceLogs'), 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/Cutover-Service-'),
    });
  });

  it('may invoke exactly the step functions, unqualified', () => {
    const invoke = statementsOfRole(logicalId('AWS::IAM::Role', 'ServiceServerInPlaceRole')).filter(
      (statement) => statement.Action === 'lambda:InvokeFunction',
    );
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(STEPS.map(functionArnOf));
  });

  it('refuses an ASL file with a placeholder it has no function for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-asl-'));
    const definitionPath = path.join(dir, 'extra.asl.json');
    fs.writeFileSync(definitionPath, ASL.replace('${FinishDeploymentFunctionArn}', '${RollbackFunctionArn}'));

    expect(() => synthesize({ definitionPath })).toThrow(`${definitionPath} uses placeholders with no function: RollbackFunctionArn`);
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
    expect(Object.values(resourcesOf('AWS::Events::Rule'))[0].Properties.EventBusName).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [hostReport, 'Arn'] },
    });
  });
});

describe('CutoverStack: permissions', () => {
  it('lets the handlers that answer task tokens do so, on this state machine, and no others', () => {
    const answerers = ['RunLifecycleEvent', 'HandleEventTimeout', 'HostReport'];
    for (const handler of HANDLERS) {
      const answers = actionsOfRole(roleOf(handler)).includes('states:SendTaskSuccess');
      expect([handler, answers]).toEqual([handler, answerers.includes(handler)]);
    }
    for (const handler of answerers) {
      const answer = statementsOfRole(roleOf(handler)).find((statement) => statement.Action === 'states:SendTaskSuccess');
      expect(JSON.stringify(answer?.Resource)).toMatch(/:stateMachine:Cutover-Service-[0-9A-F]+-ServerInPlace"/);
    }
    // No step fails a task token: failures travel in the success output.
    expect(HANDLERS.filter((handler) => actionsOfRole(roleOf(handler)).includes('states:SendTaskFailure'))).toEqual([]);
  });

  it('lets only finish-deployment (rollbacks), plan-next-batch (hand-over) and the API (createDeployment) start executions, on this state machine only', () => {
    const starters = ['FinishDeployment', 'PlanNextBatch', 'Api'];
    for (const handler of HANDLERS) {
      expect([handler, actionsOfRole(roleOf(handler)).includes('states:StartExecution')]).toEqual([handler, starters.includes(handler)]);
    }
    for (const handler of starters) {
      const start = statementsOfRole(roleOf(handler)).find((statement) => statement.Action === 'states:StartExecution');
      expect(JSON.stringify(start?.Resource)).toMatch(/:stateMachine:Cutover-Service-[0-9A-F]+-ServerInPlace"/);
    }
  });

  it('sends commands from run-lifecycle-event and reads invocations from host-report and handle-event-timeout only', () => {
    const ssmActions = Object.fromEntries(
      HANDLERS.map((handler) => [handler, actionsOfRole(roleOf(handler)).filter((action) => action.startsWith('ssm:'))]),
    );
    expect(ssmActions).toEqual({
      StartDeployment: ['ssm:DescribeInstanceInformation', 'ssm:ListTagsForResource'],
      PlanNextBatch: [],
      RunLifecycleEvent: ['ssm:SendCommand', 'ssm:DescribeInstanceInformation'],
      HandleEventTimeout: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      CheckTraffic: [],
      FinishDeployment: [],
      HostReport: ['ssm:GetCommandInvocation'],
      Api: [],
    });
  });

  it.each([
    ['StartDeployment', ['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups', 'ssm:DescribeInstanceInformation']],
    [
      'RunLifecycleEvent',
      [
        'ssm:DescribeInstanceInformation',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeInstanceHealth',
      ],
    ],
    [
      'CheckTraffic',
      [
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeInstanceHealth',
      ],
    ],
    ['HandleEventTimeout', ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation']],
    ['HostReport', ['ssm:GetCommandInvocation']],
    ['PlanNextBatch', []],
    ['FinishDeployment', []],
    ['Api', []],
  ])('grants %s, on * in one statement, only lookups that have no resource-level permissions: %j', (handler, actions) => {
    const onStar = statementsOfRole(roleOf(handler)).filter((statement) => statement.Resource === '*');
    expect(onStar.map((statement) => [statement.Action].flat())).toEqual(actions.length === 0 ? [] : [actions]);
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
