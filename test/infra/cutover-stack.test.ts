import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
function synthesize(props: ConstructorParameters<typeof CutoverStack>[2] = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new CutoverStack(app, 'Cutover', props));
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

const HANDLERS = ['StartDeployment', 'PlanNextBatch', 'RunLifecycleEvent', 'HandleEventTimeout', 'FinishDeployment', 'HostReport'];
const roleOf = (handler: string): string => logicalId('AWS::IAM::Role', `ServiceFunctions${handler}Role`);

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
        ['LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'SSM_LOG_GROUP', 'STATE_MACHINE_ARN', 'TABLE_NAME'].sort(),
      );
      expect(JSON.stringify(variables.STATE_MACHINE_ARN)).toContain(':stateMachine:Cutover-Service-');
    }
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

  it('substitutes every placeholder of the ASL file with a function ARN', () => {
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, CfnValue>;
    expect(Object.keys(substitutions).sort()).toEqual(aslPlaceholders(ASL).sort());
    expect(aslPlaceholders(ASL)).toEqual([
      'StartDeploymentFunctionArn',
      'PlanNextBatchFunctionArn',
      'RunLifecycleEventFunctionArn',
      'HandleEventTimeoutFunctionArn',
      'FinishDeploymentFunctionArn',
    ]);
    for (const [placeholder, value] of Object.entries(substitutions)) {
      const handler = placeholder.replace(/FunctionArn$/, '');
      expect(value).toEqual({ 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', `ServiceFunctions${handler}`), 'Arn'] });
    }
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

  it('may invoke exactly the five step functions, unqualified', () => {
    const invoke = statementsOfRole(logicalId('AWS::IAM::Role', 'ServiceServerInPlaceRole')).filter(
      (statement) => statement.Action === 'lambda:InvokeFunction',
    );
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(
      ['StartDeployment', 'PlanNextBatch', 'RunLifecycleEvent', 'HandleEventTimeout', 'FinishDeployment'].map((handler) => ({
        'Fn::GetAtt': [logicalId('AWS::Lambda::Function', `ServiceFunctions${handler}`), 'Arn'],
      })),
    );
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
  it('lets the handlers that answer task tokens do so, and no others', () => {
    for (const handler of HANDLERS) {
      const answers = actionsOfRole(roleOf(handler)).includes('states:SendTaskSuccess');
      expect([handler, answers]).toEqual([handler, handler === 'HostReport' || handler === 'RunLifecycleEvent']);
    }
    expect(actionsOfRole(roleOf('HostReport'))).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']));
  });

  it('lets only finish-deployment (rollbacks) and plan-next-batch (hand-over) start executions, on this state machine only', () => {
    const starters = ['FinishDeployment', 'PlanNextBatch'];
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
      StartDeployment: [],
      PlanNextBatch: [],
      RunLifecycleEvent: ['ssm:SendCommand'],
      HandleEventTimeout: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      FinishDeployment: [],
      HostReport: ['ssm:GetCommandInvocation'],
    });
  });

  it('grants the invocation reads, which have no resource-level permissions, on * in a statement of their own', () => {
    const reads = (handler: string): PolicyStatement[] =>
      statementsOfRole(roleOf(handler)).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('ssm:')));
    expect(reads('HandleEventTimeout')).toEqual([
      { Effect: 'Allow', Action: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'], Resource: '*' },
    ]);
    expect(reads('HostReport')).toEqual([{ Effect: 'Allow', Action: 'ssm:GetCommandInvocation', Resource: '*' }]);
  });

  it('grants no wildcard action anywhere', () => {
    const actions = policies().flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat()));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('lets run-lifecycle-event read objects of the revision buckets it is given, for presigned URLs', () => {
    const withBucket = synthesize({ revisionBucketNames: ['my-bundles'] });
    withBucket.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleOf('RunLifecycleEvent') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-bundles/*']] },
          },
        ]),
      },
    });
    expect(actionsOfRole(roleOf('RunLifecycleEvent')).filter((action) => action.startsWith('s3:'))).toEqual([]);
  });
});
