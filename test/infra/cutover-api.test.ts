import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ACCESS_LOG_FIELDS } from '../../lib/infra/cutover-api';
import { CutoverStack, type CutoverStackProps } from '../../lib/infra/cutover-stack';

type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };
interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, CfnValue>;
  readonly DependsOn?: string[];
}
interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: CfnValue;
  readonly Condition?: CfnValue;
}

// Skips esbuild: these tests look at the template, not the bundles.
function stackOf(props: CutoverStackProps = {}): CutoverStack {
  return new CutoverStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Cutover', props);
}

const synthesize = (props: CutoverStackProps = {}): Template => Template.fromStack(stackOf(props));
const template = synthesize();

function resourcesOf(from: Template, type: string): Record<string, CfnResource> {
  return from.findResources(type) as Record<string, CfnResource>;
}

function logicalId(from: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(from, type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

// The handlers that publish the changes they make: every one but wait-for-shift, which only ends waits (the steps that
// run next publish what follows).
const HANDLERS = [
  'StartDeployment',
  'PlanNextBatch',
  'RunLifecycleEvent',
  'HandleEventTimeout',
  'CheckTraffic',
  'FinishDeployment',
  'HostReport',
  'StartLambdaDeployment',
  'RunHook',
  'ShiftAlias',
  'FinishTrafficDeployment',
  'StartEcsDeployment',
  'AdvanceEcs',
  // The hosts whose event an alarm cancelled.
  'AlarmEvent',
  'Api',
  // The end of a deployment lock recovery finishes.
  'LockSweep',
];
const WAIT_ENDERS = ['WaitForShift'];

function statementsOfHandler(from: Template, handler: string): PolicyStatement[] {
  const role = logicalId(from, 'AWS::IAM::Role', `ServiceFunctions${handler}Role`);
  return Object.values(resourcesOf(from, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as unknown as { Statement: PolicyStatement[] }).Statement);
}

const granting = (statements: PolicyStatement[], prefix: string): PolicyStatement[] =>
  statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith(prefix)));

const API = (): string => logicalId(template, 'AWS::ApiGateway::RestApi', 'ServiceApi');
const STAGE = (): string => logicalId(template, 'AWS::ApiGateway::Stage', 'ServiceApiDeploymentStagev1');
const BUS = (): string => logicalId(template, 'AWS::Events::EventBus', 'ServiceEvents');

describe('CutoverStack: REST API methods', () => {
  const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));

  it('has exactly ANY on the root and ANY on /{proxy+}, and no OPTIONS (no CORS preflight to leave open)', () => {
    const resourceOf = (method: CfnResource): string =>
      JSON.stringify(method.Properties.ResourceId).includes('RootResourceId') ? '/' : '/{proxy+}';
    expect(methods.map((method) => [resourceOf(method), method.Properties.HttpMethod]).sort()).toEqual([
      ['/', 'ANY'],
      ['/{proxy+}', 'ANY'],
    ]);
  });

  it.each(methods.map((method) => [method.Properties.HttpMethod, JSON.stringify(method.Properties.ResourceId), method]))(
    '%s on %s requires IAM authorization and proxies to the api function',
    (_method, _resource, method) => {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method.Properties.Integration)).toContain(logicalId(template, 'AWS::Lambda::Function', 'ServiceFunctionsApi'));
    },
  );

  it('is a regional endpoint', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });
});

describe('CutoverStack: REST API stage', () => {
  const stage = (): CfnResource => resourcesOf(template, 'AWS::ApiGateway::Stage')[STAGE()];

  it('is v1, traced with X-Ray, logging errors only and no request or response data', () => {
    expect(stage().Properties).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }],
    });
  });

  it('writes access logs to a log group of its own, kept as long as the other logs', () => {
    const accessLogs = logicalId(template, 'AWS::Logs::LogGroup', 'ServiceApiAccessLogs');
    expect((stage().Properties.AccessLogSetting as { DestinationArn: CfnValue }).DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogs, 'Arn'] });
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[accessLogs].Properties).toEqual({ RetentionInDays: 90 });
    const functionLogs = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map((fn) => JSON.stringify(fn.Properties.LoggingConfig));
    expect(functionLogs.filter((logs) => logs.includes(accessLogs))).toEqual([]);
  });

  const format = (): Record<string, string> => JSON.parse((stage().Properties.AccessLogSetting as { Format: string }).Format) as Record<string, string>;
  it.each([
    ['requestId', '$context.requestId'],
    ['ip', '$context.identity.sourceIp'],
    ['caller', '$context.identity.caller'],
    ['user', '$context.identity.user'],
    ['requestTime', '$context.requestTime'],
    ['httpMethod', '$context.httpMethod'],
    ['resourcePath', '$context.resourcePath'],
    ['status', '$context.status'],
    ['protocol', '$context.protocol'],
    ['responseLength', '$context.responseLength'],
    ['integrationLatency', '$context.integrationLatency'],
  ])('logs %s as %s, one JSON object per request', (field, variable) => {
    expect(format()[field]).toBe(variable);
  });

  it('logs no field besides those', () => {
    expect(Object.keys(format()).sort()).toEqual(Object.keys(ACCESS_LOG_FIELDS).sort());
    expect(Object.keys(format())).toHaveLength(11);
  });

  it('creates the execution log group API Gateway would otherwise create without a retention, before the stage', () => {
    const executionLogs = logicalId(template, 'AWS::Logs::LogGroup', 'ServiceApiExecutionLogs');
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: API() }, '/v1']] },
      RetentionInDays: 90,
    });
    expect(stage().DependsOn).toContain(executionLogs);
  });

  it.each([
    [undefined, 1],
    [true, 1],
    [false, 0],
  ])("apiGatewayCloudWatchRole %s sets the account's API Gateway logging role %i times", (apiGatewayCloudWatchRole, count) => {
    const stack = synthesize({ apiGatewayCloudWatchRole });
    stack.resourceCountIs('AWS::ApiGateway::Account', count);
    if (count > 0) {
      stack.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain', Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceApiCloudWatchRole'), 'Arn'] } } });
    }
  });
});

describe('CutoverStack: the api function', () => {
  it('runs on nodejs22.x and arm64, within API Gateway\'s 29 s, with memory to stream a bundle', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Cutover: the REST API',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 29,
      MemorySize: 1024,
      Handler: 'index.handler',
    });
  });

  it('may be invoked by API Gateway on this API only', () => {
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${API()}"}`);
      expect(permission.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'ServiceFunctionsApi'), 'Arn'] });
    }
  });
});

describe('CutoverStack: API outputs and grantInvoke', () => {
  it.each([
    ['ApiUrl', (): CfnValue => ({ 'Fn::Join': ['', ['https://', { Ref: API() }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: STAGE() }, '/']] })],
    ['ApiId', (): CfnValue => ({ Ref: API() })],
  ])('outputs %s', (name, value) => {
    template.hasOutput(name, { Value: value(), Description: Match.stringLikeRegexp('.+') });
  });

  it("outputs nothing else about the API (RestApi's own Endpoint output is dropped)", () => {
    expect(Object.keys(template.toJSON().Outputs as object).filter((name) => /Api|Endpoint/.test(name)).sort()).toEqual(['ApiId', 'ApiUrl']);
  });

  it('grantInvoke allows execute-api:Invoke on every method and path of the v1 stage, nothing else', () => {
    const stack = stackOf();
    const caller = new Role(stack, 'Caller', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') });
    stack.service.grantInvoke(caller);
    const granted = Template.fromStack(stack);
    const api = logicalId(granted, 'AWS::ApiGateway::RestApi', 'ServiceApi');
    granted.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(granted, 'AWS::IAM::Role', 'Caller') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: api }, '/v1/*/*']],
            },
          },
        ],
      },
    });
  });
});

describe('CutoverStack: event bus', () => {
  it.each([
    [undefined, 'cutover'],
    ['cutover-staging', 'cutover-staging'],
  ])('eventBusName %s names the bus %s', (eventBusName, name) => {
    const stack = synthesize({ eventBusName });
    stack.resourceCountIs('AWS::Events::EventBus', 1);
    stack.hasResourceProperties('AWS::Events::EventBus', { Name: name });
  });

  it('outputs the bus name, exported for other stacks as <stack>-EventBusName', () => {
    template.hasOutput('EventBusName', { Value: { Ref: BUS() }, Export: { Name: 'Cutover-EventBusName' }, Description: Match.stringLikeRegexp('.+') });
  });

  it.each(HANDLERS)('%s may put events on the Cutover bus and on no other', (handler) => {
    const putEvents = granting(statementsOfHandler(template, handler), 'events:');
    expect(putEvents.map((statement) => [statement.Action, statement.Resource])).toEqual([['events:PutEvents', { 'Fn::GetAtt': [BUS(), 'Arn'] }]]);
  });

  it.each(WAIT_ENDERS)('%s, which only ends waits and publishes nothing, may neither put events nor publish to topics', (handler) => {
    const statements = statementsOfHandler(template, handler);
    expect([...granting(statements, 'events:'), ...granting(statements, 'sns:'), ...granting(statements, 'kms:')]).toEqual([]);
  });

  it('grants PutEvents nowhere but on the bus, in any policy of the stack', () => {
    const everywhere = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as unknown as { Statement: PolicyStatement[] }).Statement,
    );
    const resources = granting(everywhere, 'events:').map((statement) => statement.Resource);
    expect(resources).toHaveLength(HANDLERS.length);
    expect(new Set(resources.map((resource) => JSON.stringify(resource)))).toEqual(new Set([JSON.stringify({ 'Fn::GetAtt': [BUS(), 'Arn'] })]));
  });
});

describe('CutoverStack: trigger topics', () => {
  const DEFAULT_TOPICS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cutover-*']] };
  const LISTED = ['arn:aws:sns:us-east-1:123456789012:deploy-alerts', 'arn:aws:sns:us-east-1:123456789012:oncall'];
  const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b4c5a1e-1111-2222-3333-444455556666';
  const listed = synthesize({ triggerTopicArns: LISTED, triggerTopicKeyArns: [KEY] });
  const none = synthesize({ triggerTopicArns: [] });

  it.each(HANDLERS)('%s may publish to topics named cutover-* by default, and use no KMS key', (handler) => {
    const statements = statementsOfHandler(template, handler);
    expect(granting(statements, 'sns:').map((statement) => [statement.Action, statement.Resource])).toEqual([['sns:Publish', DEFAULT_TOPICS]]);
    expect(granting(statements, 'kms:')).toEqual([]);
  });

  it.each(HANDLERS)('%s may publish to the listed topics only, and use their key only through SNS', (handler) => {
    const statements = statementsOfHandler(listed, handler);
    expect(granting(statements, 'sns:').map((statement) => [statement.Action, statement.Resource])).toEqual([['sns:Publish', LISTED]]);
    expect(granting(statements, 'kms:')).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: KEY,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
      },
    ]);
  });

  it.each(HANDLERS)('%s may publish to no topic when triggerTopicArns is empty', (handler) => {
    expect(granting(statementsOfHandler(none, handler), 'sns:')).toEqual([]);
  });

  it('never grants sns:Publish on *', () => {
    for (const from of [template, listed, none]) {
      const everywhere = Object.values(resourcesOf(from, 'AWS::IAM::Policy')).flatMap(
        (policy) => (policy.Properties.PolicyDocument as unknown as { Statement: PolicyStatement[] }).Statement,
      );
      expect(granting(everywhere, 'sns:').filter((statement) => [statement.Resource].flat().includes('*'))).toEqual([]);
    }
  });
});
