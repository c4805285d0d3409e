import type { FieldProblem } from '../../../functions/core/errors';
import { problemsOf as problemsOfParser } from './problems-of';
import { oneResourceAppSpec } from '../../support/appspec-text';
import { parseEcsAppSpec, type EcsAppSpec } from '../../../functions/core/appspec';

function problemsOf(text: string, source?: string): readonly FieldProblem[] {
  return problemsOfParser(parseEcsAppSpec, text, source);
}

const TASK = 'arn:aws:ecs:us-east-1:111222333444:task-definition/my-task-definition-family-name:1';

// CodeDeploy's documented example (UG reference-appspec-file-example), comment between properties included.
const documentedYaml = `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "${TASK}"
        LoadBalancerInfo:
          ContainerName: "SampleApplicationName"
          ContainerPort: 80
# Optional properties
        PlatformVersion: "LATEST"
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["subnet-1234abcd","subnet-5678abcd"]
            SecurityGroups: ["sg-12345678"]
            AssignPublicIp: "ENABLED"
        CapacityProviderStrategy:
          - Base: 1
            CapacityProvider: "FARGATE_SPOT"
            Weight: 2
          - Base: 0
            CapacityProvider: "FARGATE"
            Weight: 1
Hooks:
  - BeforeInstall: "LambdaFunctionToValidateBeforeInstall"
  - AfterInstall: "LambdaFunctionToValidateAfterInstall"
  - AfterAllowTestTraffic: "LambdaFunctionToValidateAfterTestTrafficStarts"
  - BeforeAllowTraffic: "LambdaFunctionToValidateBeforeAllowingProductionTraffic"
  - AfterAllowTraffic: "LambdaFunctionToValidateAfterAllowingProductionTraffic"
`;

const documentedJson = `{
  "version": 0.0,
  "Resources": [
    {
      "TargetService": {
        "Type": "AWS::ECS::Service",
        "Properties": {
          "TaskDefinition": "${TASK}",
          "LoadBalancerInfo": {
            "ContainerName": "SampleApplicationName",
            "ContainerPort": 80
          },
          "PlatformVersion": "LATEST",
          "NetworkConfiguration": {
            "AwsvpcConfiguration": {
              "Subnets": ["subnet-1234abcd", "subnet-5678abcd"],
              "SecurityGroups": ["sg-12345678"],
              "AssignPublicIp": "ENABLED"
            }
          },
          "CapacityProviderStrategy": [
            {"Base": 1, "CapacityProvider": "FARGATE_SPOT", "Weight": 2},
            {"Base": 0, "CapacityProvider": "FARGATE", "Weight": 1}
          ]
        }
      }
    }
  ],
  "Hooks": [
    {"BeforeInstall": "LambdaFunctionToValidateBeforeInstall"},
    {"AfterInstall": "LambdaFunctionToValidateAfterInstall"},
    {"AfterAllowTestTraffic": "LambdaFunctionToValidateAfterTestTrafficStarts"},
    {"BeforeAllowTraffic": "LambdaFunctionToValidateBeforeAllowingProductionTraffic"},
    {"AfterAllowTraffic": "LambdaFunctionToValidateAfterAllowingProductionTraffic"}
  ]
}
`;

const camelCaseYaml = `version: 0.0
resources:
  - TargetService:
      type: AWS::ECS::Service
      properties:
        taskDefinition: ${TASK}
        loadBalancerInfo:
          containerName: SampleApplicationName
          containerPort: 80
        platformVersion: LATEST
        networkConfiguration:
          awsvpcConfiguration:
            subnets: [subnet-1234abcd, subnet-5678abcd]
            securityGroups: [sg-12345678]
            assignPublicIp: ENABLED
        capacityProviderStrategy:
          - {base: 1, capacityProvider: FARGATE_SPOT, weight: 2}
          - {base: 0, capacityProvider: FARGATE, weight: 1}
hooks:
  - beforeInstall: LambdaFunctionToValidateBeforeInstall
  - afterInstall: LambdaFunctionToValidateAfterInstall
  - afterAllowTestTraffic: LambdaFunctionToValidateAfterTestTrafficStarts
  - beforeAllowTraffic: LambdaFunctionToValidateBeforeAllowingProductionTraffic
  - afterAllowTraffic: LambdaFunctionToValidateAfterAllowingProductionTraffic
`;

const lowerCaseJson = JSON.stringify({
  version: '0.0',
  resources: [
    {
      TargetService: {
        type: 'AWS::ECS::Service',
        properties: {
          taskdefinition: TASK,
          loadbalancerinfo: { containername: 'SampleApplicationName', containerport: '80' },
          platformversion: 'LATEST',
          networkconfiguration: {
            awsvpcconfiguration: {
              subnets: ['subnet-1234abcd', 'subnet-5678abcd'],
              securitygroups: ['sg-12345678'],
              assignpublicip: 'ENABLED',
            },
          },
          capacityproviderstrategy: [
            { base: 1, capacityprovider: 'FARGATE_SPOT', weight: 2 },
            { base: 0, capacityprovider: 'FARGATE', weight: 1 },
          ],
        },
      },
    },
  ],
  hooks: [
    { beforeinstall: 'LambdaFunctionToValidateBeforeInstall' },
    { afterinstall: 'LambdaFunctionToValidateAfterInstall' },
    { afterallowtesttraffic: 'LambdaFunctionToValidateAfterTestTrafficStarts' },
    { beforeallowtraffic: 'LambdaFunctionToValidateBeforeAllowingProductionTraffic' },
    { afterallowtraffic: 'LambdaFunctionToValidateAfterAllowingProductionTraffic' },
  ],
});

const documented: EcsAppSpec = {
  taskDefinition: TASK,
  containerName: 'SampleApplicationName',
  containerPort: 80,
  platformVersion: 'LATEST',
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-1234abcd', 'subnet-5678abcd'],
      securityGroups: ['sg-12345678'],
      assignPublicIp: 'ENABLED',
    },
  },
  capacityProviderStrategy: [
    { base: 1, capacityProvider: 'FARGATE_SPOT', weight: 2 },
    { base: 0, capacityProvider: 'FARGATE', weight: 1 },
  ],
  hooks: {
    BeforeInstall: 'LambdaFunctionToValidateBeforeInstall',
    AfterInstall: 'LambdaFunctionToValidateAfterInstall',
    AfterAllowTestTraffic: 'LambdaFunctionToValidateAfterTestTrafficStarts',
    BeforeAllowTraffic: 'LambdaFunctionToValidateBeforeAllowingProductionTraffic',
    AfterAllowTraffic: 'LambdaFunctionToValidateAfterAllowingProductionTraffic',
  },
};

/** An ECS appspec whose Properties start on line 6 and whose Hooks, if any, follow them. */
function ecs(properties: readonly string[], hooks: readonly string[] = []): string {
  return oneResourceAppSpec('svc', 'AWS::ECS::Service', properties, hooks);
}

// Lines 6–9.
const REQUIRED = [`TaskDefinition: ${TASK}`, 'LoadBalancerInfo:', '  ContainerName: web', '  ContainerPort: 8080'];
const minimal: EcsAppSpec = { taskDefinition: TASK, containerName: 'web', containerPort: 8080, hooks: {} };

/** REQUIRED plus NetworkConfiguration whose AwsvpcConfiguration fields start on line 12. */
function withVpc(...fields: string[]): string {
  return ecs([...REQUIRED, 'NetworkConfiguration:', '  AwsvpcConfiguration:', ...fields.map((field) => `    ${field}`)]);
}

/** REQUIRED plus a CapacityProviderStrategy whose items start on line 11. */
function withStrategy(...items: string[]): string {
  return ecs([...REQUIRED, 'CapacityProviderStrategy:', ...items.map((item) => `  - ${item}`)]);
}

const VPC = ['Subnets: [subnet-0a1b2c3d]', 'SecurityGroups: [sg-0a1b2c3d]', 'AssignPublicIp: DISABLED'];

describe('parseEcsAppSpec accepts', () => {
  it.each<[string, string, EcsAppSpec]>([
    ["CodeDeploy's documented example as YAML", documentedYaml, documented],
    ["CodeDeploy's documented example as JSON", documentedJson, documented],
    ['camelCase keys and hook names in YAML', camelCaseYaml, documented],
    ['lower-case keys in one-line JSON, the version and port quoted', lowerCaseJson, documented],
    ['only the required properties', ecs(REQUIRED), minimal],
    [
      'a GovCloud task definition, a platform version and the network configuration without strategy',
      ecs([
        'TaskDefinition: arn:aws-us-gov:ecs:us-gov-west-1:111122223333:task-definition/web_app-2:143',
        'LoadBalancerInfo: {ContainerName: web, ContainerPort: 8080}',
        'PlatformVersion: 1.4.0',
        'NetworkConfiguration:',
        '  AwsvpcConfiguration:',
        ...VPC.map((field) => `    ${field}`),
      ]),
      {
        ...minimal,
        taskDefinition: 'arn:aws-us-gov:ecs:us-gov-west-1:111122223333:task-definition/web_app-2:143',
        platformVersion: '1.4.0',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'], assignPublicIp: 'DISABLED' },
        },
      },
    ],
    [
      'a strategy item with neither Base nor Weight',
      withStrategy('CapacityProvider: FARGATE'),
      { ...minimal, capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
    ],
    [
      'hooks listed out of lifecycle order',
      ecs(REQUIRED, ['AfterAllowTraffic: CodeDeployHook_post', 'BeforeInstall: CodeDeployHook_pre']),
      { ...minimal, hooks: { BeforeInstall: 'CodeDeployHook_pre', AfterAllowTraffic: 'CodeDeployHook_post' } },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseEcsAppSpec(text)).toEqual(expected);
  });
});

describe('parseEcsAppSpec rejects', () => {
  const props = 'Resources[0].svc.Properties';
  const lb = `${props}.LoadBalancerInfo`;
  const vpc = `${props}.NetworkConfiguration.AwsvpcConfiguration`;
  const strategy = `${props}.CapacityProviderStrategy`;
  it.each<[string, string, string, string, number | undefined]>([
    ['a missing TaskDefinition', ecs(REQUIRED.slice(1)), `${props}.TaskDefinition`, 'is required (the task definition ARN, e.g. arn:aws:ecs:', 6],
    ['a TaskDefinition that is not an ARN', ecs(['TaskDefinition: web:7', ...REQUIRED.slice(1)]), `${props}.TaskDefinition`, "must be a task definition ARN with its revision, such as arn:aws:ecs:us-east-1:111122223333:task-definition/web:7 (got 'web:7')", 6],
    ['a TaskDefinition without its revision', ecs([`TaskDefinition: ${TASK.replace(/:1$/, '')}`, ...REQUIRED.slice(1)]), `${props}.TaskDefinition`, 'with its revision', 6],
    ['a missing LoadBalancerInfo', ecs(REQUIRED.slice(0, 1)), `${props}.LoadBalancerInfo`, 'is required (ContainerName and ContainerPort', 6],
    ['a missing ContainerName', ecs([...REQUIRED.slice(0, 2), '  ContainerPort: 80']), `${lb}.ContainerName`, 'is required (a container of the task definition)', 8],
    ['a container name with a slash', ecs([...REQUIRED.slice(0, 2), '  ContainerName: web/app', '  ContainerPort: 80']), `${lb}.ContainerName`, "(got 'web/app')", 8],
    ['container port 0', ecs([...REQUIRED.slice(0, 3), '  ContainerPort: 0']), `${lb}.ContainerPort`, 'must be a whole number from 1 to 65535 (got 0)', 9],
    ['container port 65536', ecs([...REQUIRED.slice(0, 3), '  ContainerPort: 65536']), `${lb}.ContainerPort`, 'must be a whole number from 1 to 65535 (got 65536)', 9],
    ['a named container port', ecs([...REQUIRED.slice(0, 3), '  ContainerPort: http']), `${lb}.ContainerPort`, '(got http)', 9],
    ['a fractional container port', ecs([...REQUIRED.slice(0, 3), '  ContainerPort: 80.5']), `${lb}.ContainerPort`, '(got 80.5)', 9],
    ['a misspelt ContainerPort', ecs([...REQUIRED.slice(0, 3), '  ContainerPorts: 80']), `${lb}.ContainerPorts`, 'did you mean ContainerPort?', 9],
    ['a Lambda function type', ecs(REQUIRED).replace('AWS::ECS::Service', 'AWS::Lambda::Function'), 'Resources[0].svc.Type', "must be AWS::ECS::Service (got 'AWS::Lambda::Function'); that is a Lambda function", 4],
    ['two resources', `${ecs(REQUIRED)}  - other: {}\n`, 'Resources[1]', 'an ECS appspec deploys exactly one ECS service, but Resources lists 2', 10],
    ['a bad AssignPublicIp', withVpc(...VPC.slice(0, 2), 'AssignPublicIp: yes'), `${vpc}.AssignPublicIp`, "must be ENABLED or DISABLED (got 'yes')", 14],
    ['AssignPublicIp in lower case', withVpc(...VPC.slice(0, 2), 'AssignPublicIp: enabled'), `${vpc}.AssignPublicIp`, "(got 'enabled'); did you mean ENABLED?", 14],
    ['a missing AssignPublicIp', withVpc(...VPC.slice(0, 2)), `${vpc}.AssignPublicIp`, 'is required (ENABLED or DISABLED)', 12],
    ['missing SecurityGroups', withVpc(VPC[0], VPC[2]), `${vpc}.SecurityGroups`, 'is required (a list of IDs such as sg-0abc1234)', 12],
    ['empty Subnets', withVpc('Subnets: []', ...VPC.slice(1)), `${vpc}.Subnets`, 'must name at least one ID such as subnet-0abc1234 (got an empty list)', 12],
    ['a subnet name instead of an ID', withVpc('Subnets: [subnet-0a1b2c3d, private-a]', ...VPC.slice(1)), `${vpc}.Subnets[1]`, "must be an ID such as subnet-0abc1234 (got 'private-a')", 12],
    ['a single subnet not in a list', withVpc('Subnets: subnet-0a1b2c3d', ...VPC.slice(1)), `${vpc}.Subnets`, 'must be a list', 12],
    ['six security groups', withVpc(VPC[0], 'SecurityGroups: [sg-1, sg-2, sg-3, sg-4, sg-5, sg-6]', VPC[2]), `${vpc}.SecurityGroups`, 'may name at most 5 (got 6)', 13],
    ['NetworkConfiguration without AwsvpcConfiguration', ecs([...REQUIRED, 'NetworkConfiguration:', '  Subnets: [subnet-1]']), `${props}.NetworkConfiguration.Subnets`, 'allowed keys: AwsvpcConfiguration (in any letter case)', 11],
    ['a platform version in lower case', ecs([...REQUIRED, 'PlatformVersion: latest']), `${props}.PlatformVersion`, "must be LATEST or a version such as 1.4.0 (got 'latest'); did you mean LATEST?", 10],
    ['Base on two providers', withStrategy('{Base: 1, CapacityProvider: FARGATE}', '{Base: 2, CapacityProvider: FARGATE_SPOT}'), `${strategy}[1].Base`, `only one capacity provider may have a Base above 0; ${strategy}[0].Base (line 11) has one`, 12],
    ['a Weight above 1000', withStrategy('{CapacityProvider: FARGATE, Weight: 1001}'), `${strategy}[0].Weight`, 'must be a whole number from 0 to 1000 (got 1001)', 11],
    ['a negative Base', withStrategy('{CapacityProvider: FARGATE, Base: -1}'), `${strategy}[0].Base`, 'must be a whole number from 0 to 100000 (got -1)', 11],
    ['a strategy item without CapacityProvider', withStrategy('{Weight: 1}'), `${strategy}[0].CapacityProvider`, 'is required (e.g. FARGATE or FARGATE_SPOT)', 11],
    ['an empty strategy', ecs([...REQUIRED, 'CapacityProviderStrategy: []']), strategy, 'must name at least one capacity provider (got an empty list)', 10],
    ['an unknown hook', ecs(REQUIRED, ['AfterAlowTestTraffic: CodeDeployHook_t']), 'Hooks[0].AfterAlowTestTraffic', "'AfterAlowTestTraffic' is not an ECS lifecycle hook; allowed: BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic; did you mean AfterAllowTestTraffic?", 11],
    ['a hook on Install', ecs(REQUIRED, ['Install: CodeDeployHook_i']), 'Hooks[0].Install', 'Install is run by Cutover itself and cannot have a hook', 11],
    ['a hook listed twice', ecs(REQUIRED, ['AfterInstall: CodeDeployHook_a', 'AfterInstall: CodeDeployHook_b']), 'Hooks[1].AfterInstall', 'is listed more than once (first on line 11)', 12],
    ['a tab-indented YAML', ecs(REQUIRED).replace('        LoadBalancerInfo', '\tLoadBalancerInfo'), 'appspec.yaml', 'tabs are not allowed for indentation; use spaces', 7],
    ['JSON with a trailing quote missing', documentedJson.replace('"LATEST",', '"LATEST,'), 'appspec.yaml', 'is not valid JSON', 13],
    ['JSON with a missing comma', documentedJson.replace('"ContainerName": "SampleApplicationName",', '"ContainerName": "SampleApplicationName"'), 'appspec.yaml', "is not valid JSON: Expected ',' or '}' after property value", 11],
  ])('%s', (_name, text, field, fragment, line) => {
    const problem = problemsOf(text).find((candidate) => candidate.field === field);
    expect(problem).toBeDefined();
    expect(problem?.message).toContain(fragment);
    expect(problem?.line).toBe(line);
  });

  it('reports every problem at once, in file order', () => {
    const text = ecs(
      ['TaskDefinition: web', 'LoadBalancerInfo: {ContainerName: web, ContainerPort: 99999}', 'PlatformVersion: 2'],
      ['AllowTraffic: CodeDeployHook_x'],
    );
    expect(problemsOf(text).map((problem) => [problem.field, problem.line])).toEqual([
      ['Resources[0].svc.Properties.TaskDefinition', 6],
      ['Resources[0].svc.Properties.LoadBalancerInfo.ContainerPort', 7],
      ['Resources[0].svc.Properties.PlatformVersion', 8],
      ['Hooks[0].AllowTraffic', 10],
    ]);
  });
});
