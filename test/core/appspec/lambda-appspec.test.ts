import type { FieldProblem } from '../../../functions/core/errors';
import { problemsOf as problemsOfParser } from './problems-of';
import { oneResourceAppSpec } from '../../support/appspec-text';
import { parseLambdaAppSpec, type LambdaAppSpec } from '../../../functions/core/appspec';
import { MAX_ALIAS_READS } from '../../../functions/core/appspec/yaml-reader';

function problemsOf(text: string, source?: string): readonly FieldProblem[] {
  return problemsOfParser(parseLambdaAppSpec, text, source);
}

// CodeDeploy's documented example (UG reference-appspec-file-example), YAML and JSON, the JSON tab-indented as there.
const documentedYaml = `version: 0.0
Resources:
  - myLambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "myLambdaFunction"
        Alias: "myLambdaFunctionAlias"
        CurrentVersion: "1"
        TargetVersion: "2"
Hooks:
  - BeforeAllowTraffic: "LambdaFunctionToValidateBeforeTrafficShift"
  - AfterAllowTraffic: "LambdaFunctionToValidateAfterTrafficShift"
`;

const documentedJson = `{
\t"version": 0.0,
\t"Resources": [{
\t\t"myLambdaFunction": {
\t\t\t"Type": "AWS::Lambda::Function",
\t\t\t"Properties": {
\t\t\t\t"Name": "myLambdaFunction",
\t\t\t\t"Alias": "myLambdaFunctionAlias",
\t\t\t\t"CurrentVersion": "1",
\t\t\t\t"TargetVersion": "2"
\t\t\t}
\t\t}
\t}],
\t"Hooks": [{
\t\t\t"BeforeAllowTraffic": "LambdaFunctionToValidateBeforeTrafficShift"
\t\t},
\t\t{
\t\t\t"AfterAllowTraffic": "LambdaFunctionToValidateAfterTrafficShift"
\t\t}
\t]
}
`;

// The lower-case spelling of CodeDeploy's structure page (reference-appspec-file-structure-resources).
const lowerCaseYaml = `version: 0.0
resources:
  - myLambdaFunction:
      type: AWS::Lambda::Function
      properties:
        name: myLambdaFunction
        alias: myLambdaFunctionAlias
        currentversion: 1
        targetversion: 2
hooks:
  - BeforeAllowTraffic: LambdaFunctionToValidateBeforeTrafficShift
  - AfterAllowTraffic: LambdaFunctionToValidateAfterTrafficShift
`;

const lowerCaseJson = `{
  "version": 0.0,
  "resources": [
    {"myLambdaFunction": {"type": "AWS::Lambda::Function",
      "properties": {"name": "myLambdaFunction", "alias": "myLambdaFunctionAlias", "currentVersion": 1, "targetVersion": 2}}}
  ],
  "hooks": [
    {"beforeAllowTraffic": "LambdaFunctionToValidateBeforeTrafficShift"},
    {"afterAllowTraffic": "LambdaFunctionToValidateAfterTrafficShift"}
  ]
}`;

const documented: LambdaAppSpec = {
  functionName: 'myLambdaFunction',
  alias: 'myLambdaFunctionAlias',
  currentVersion: '1',
  targetVersion: '2',
  hooks: {
    BeforeAllowTraffic: 'LambdaFunctionToValidateBeforeTrafficShift',
    AfterAllowTraffic: 'LambdaFunctionToValidateAfterTrafficShift',
  },
};

/** A Lambda appspec whose Properties start on line 6 and whose Hooks, if any, start on line 6 + properties. */
function lambda(properties: readonly string[], hooks: readonly string[] = []): string {
  return oneResourceAppSpec('myFunction', 'AWS::Lambda::Function', properties, hooks);
}

const PROPS = ['Name: my-function', 'Alias: live', 'CurrentVersion: 3', 'TargetVersion: 4'];
const minimal: LambdaAppSpec = { functionName: 'my-function', alias: 'live', currentVersion: '3', targetVersion: '4', hooks: {} };

describe('parseLambdaAppSpec accepts', () => {
  it.each<[string, string, LambdaAppSpec]>([
    ["CodeDeploy's documented example as YAML", documentedYaml, documented],
    ["CodeDeploy's documented example as tab-indented JSON", documentedJson, documented],
    ['the lower-case keys of the structure page, versions as numbers', lowerCaseYaml, documented],
    ['camelCase keys and hook names in JSON, versions as numbers', lowerCaseJson, documented],
    ['no Hooks at all', lambda(PROPS), minimal],
    ['an empty Hooks', `${lambda(PROPS)}Hooks:\n`, minimal],
    ['keys of mixed case within one file', lambda(['NAME: my-function', 'alias: live', 'currentVersion: 3', 'TARGETVERSION: "4"']), minimal],
    [
      'a hook function given by ARN, with a qualifier',
      lambda(PROPS, ['AfterAllowTraffic: arn:aws:lambda:eu-west-1:111122223333:function:CodeDeployHook_post:live']),
      { ...minimal, hooks: { AfterAllowTraffic: 'arn:aws:lambda:eu-west-1:111122223333:function:CodeDeployHook_post:live' } },
    ],
    [
      'a function ARN as Name and two hooks in one item, listed after-first',
      lambda(
        ['Name: arn:aws:lambda:us-east-1:111122223333:function:api', 'Alias: prod', 'CurrentVersion: 9', 'TargetVersion: 10'],
        ['{AfterAllowTraffic: CodeDeployHook_post, BeforeAllowTraffic: CodeDeployHook_pre}'],
      ),
      {
        functionName: 'arn:aws:lambda:us-east-1:111122223333:function:api',
        alias: 'prod',
        currentVersion: '9',
        targetVersion: '10',
        hooks: { BeforeAllowTraffic: 'CodeDeployHook_pre', AfterAllowTraffic: 'CodeDeployHook_post' },
      },
    ],
    [
      'a rollback to an older version',
      lambda(['Name: my-function', 'Alias: live', 'CurrentVersion: "12"', 'TargetVersion: 11']),
      { ...minimal, currentVersion: '12', targetVersion: '11' },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseLambdaAppSpec(text)).toEqual(expected);
  });
});

describe('parseLambdaAppSpec rejects', () => {
  const target = 'Resources[0].myFunction.Properties.TargetVersion';
  const current = 'Resources[0].myFunction.Properties.CurrentVersion';
  it.each<[string, string, string, string, number | undefined]>([
    ['a missing TargetVersion', lambda(PROPS.slice(0, 3)), target, 'is required (the version to shift traffic to)', 6],
    ['an empty TargetVersion', lambda([...PROPS.slice(0, 3), 'TargetVersion:']), target, 'is required', 9],
    [
      'two resources',
      `${lambda(PROPS)}  - other:\n      Type: AWS::Lambda::Function\n`,
      'Resources[1]',
      'a Lambda appspec deploys exactly one Lambda function, but Resources lists 2',
      10,
    ],
    [
      'two resources in one list item',
      `${lambda(PROPS)}    other:\n      Type: AWS::Lambda::Function\n`,
      'Resources[0].other',
      'is a second resource in one list item',
      10,
    ],
    ['an ECS service type', lambda(PROPS).replace('AWS::Lambda::Function', 'AWS::ECS::Service'), 'Resources[0].myFunction.Type', "must be AWS::Lambda::Function (got 'AWS::ECS::Service'); that is an ECS service", 4],
    ['a misspelt Type', lambda(PROPS).replace('AWS::Lambda::Function', 'AWS::Lambda::Functon'), 'Resources[0].myFunction.Type', 'did you mean AWS::Lambda::Function?', 4],
    ['a missing Type', lambda(PROPS).replace('      Type: AWS::Lambda::Function\n', ''), 'Resources[0].myFunction.Type', 'is required (AWS::Lambda::Function)', 4],
    ['$LATEST as TargetVersion', lambda([...PROPS.slice(0, 3), 'TargetVersion: $LATEST']), target, 'must be a published version number such as 3, not $LATEST', 9],
    ['$LATEST quoted as CurrentVersion', lambda(['Name: f', 'Alias: live', 'CurrentVersion: "$LATEST"', 'TargetVersion: 4']), current, 'not $LATEST', 8],
    ['equal versions', lambda([...PROPS.slice(0, 3), 'TargetVersion: "3"']), target, 'must differ from CurrentVersion (both are 3)', 9],
    ['a fractional version', lambda([...PROPS.slice(0, 3), 'TargetVersion: 4.0']), target, 'a whole number from 1 (got 4.0)', 9],
    ['version 0', lambda(['Name: f', 'Alias: live', 'CurrentVersion: 0', 'TargetVersion: 4']), current, '(got 0)', 8],
    ['a leading zero', lambda(['Name: f', 'Alias: live', 'CurrentVersion: 03', 'TargetVersion: 4']), current, '(got 03)', 8],
    ['an all-digit alias', lambda(['Name: f', 'Alias: 7', 'CurrentVersion: 3', 'TargetVersion: 4']), 'Resources[0].myFunction.Properties.Alias', "not only digits (got '7')", 7],
    ['a function name with a space', lambda(['Name: my function', ...PROPS.slice(1)]), 'Resources[0].myFunction.Properties.Name', "must be a Lambda function name (letters, digits, - and _, at most 64) or its ARN (got 'my function')", 6],
    ['a qualified function Name', lambda(['Name: my-function:live', ...PROPS.slice(1)]), 'Resources[0].myFunction.Properties.Name', "(got 'my-function:live')", 6],
    ['a misspelt property', lambda([...PROPS.slice(0, 3), 'TargetVersoin: 4']), 'Resources[0].myFunction.Properties.TargetVersoin', "'TargetVersoin' is not an allowed key in Resources[0].myFunction.Properties; allowed keys: Name, Alias, CurrentVersion, TargetVersion (in any letter case); did you mean TargetVersion?", 9],
    ['a property in two spellings', lambda([...PROPS, 'targetversion: 5']), target, 'appears more than once (as TargetVersion on line 9, again as targetversion)', 10],
    ['an unknown hook', lambda(PROPS, ['BeforeAllowTrafic: CodeDeployHook_pre']), 'Hooks[0].BeforeAllowTrafic', "'BeforeAllowTrafic' is not a Lambda lifecycle hook; allowed: BeforeAllowTraffic, AfterAllowTraffic; did you mean BeforeAllowTraffic?", 11],
    ['an ECS hook', lambda(PROPS, ['BeforeInstall: CodeDeployHook_pre']), 'Hooks[0].BeforeInstall', 'is not a Lambda lifecycle hook; allowed: BeforeAllowTraffic, AfterAllowTraffic', 11],
    ['a hook on AllowTraffic', lambda(PROPS, ['allowtraffic: CodeDeployHook_pre']), 'Hooks[0].allowtraffic', 'AllowTraffic is run by Cutover itself and cannot have a hook', 11],
    [
      'a hook listed twice, in two spellings',
      lambda(PROPS, ['BeforeAllowTraffic: CodeDeployHook_a', 'AfterAllowTraffic: CodeDeployHook_b', 'beforeallowtraffic: CodeDeployHook_c']),
      'Hooks[2].BeforeAllowTraffic',
      'is listed more than once (first on line 11); each hook runs once per deployment',
      13,
    ],
    ['a hook without a function', lambda(PROPS, ['AfterAllowTraffic:']), 'Hooks[0].AfterAllowTraffic', 'is required (the name or ARN of the function to invoke)', 11],
    ['a hook naming a file', lambda(PROPS, ['AfterAllowTraffic: hooks/post.js']), 'Hooks[0].AfterAllowTraffic', "(got 'hooks/post.js')", 11],
    ['Hooks as a mapping', `${lambda(PROPS)}Hooks:\n  AfterAllowTraffic: CodeDeployHook_post\n`, 'Hooks', 'must be a list of items such as - AfterAllowTraffic: CodeDeployHook_check (got a mapping)', 11],
    ['a resource without its logical name', 'version: 0.0\nResources:\n  - Type: AWS::Lambda::Function\n    Properties: {}\n', 'Resources[0]', "lacks the resource's logical name; write - myLambdaResource: and indent Type and Properties under it", 3],
    ['a missing Properties', 'version: 0.0\nResources:\n  - f:\n      Type: AWS::Lambda::Function\n', 'Resources[0].f.Properties', 'is required (Name, Alias, CurrentVersion and TargetVersion)', 4],
    ['a missing Resources', 'version: 0.0\nHooks: []\n', 'Resources', 'is required (the Lambda function to deploy)', 1],
    ['an empty Resources', 'version: 0.0\nResources: []\n', 'Resources', 'must list the Lambda function to deploy (got an empty list)', 2],
    ['Resources in two spellings', `${lambda(PROPS)}resources: []\n`, 'Resources', 'appears more than once (as Resources on line 2, again as resources)', 10],
    ['an unknown top-level key', `${lambda(PROPS)}Hook: []\n`, 'Hook', "'Hook' is not an allowed top-level key; allowed keys: version, Resources, Hooks (in any letter case); did you mean Hooks?", 10],
    ['version 1.0', lambda(PROPS).replace('0.0', '1.0'), 'version', 'must be 0.0 (got 1.0)', 1],
    ['a missing version', lambda(PROPS).replace('version: 0.0\n', ''), 'version', 'is required (it must be 0.0)', undefined],
    ['a tab-indented YAML', 'version: 0.0\nResources:\n\t- f:\n', 'appspec.yaml', 'tabs are not allowed for indentation; use spaces', 3],
    ['JSON missing a comma', '{\n  "version": 0.0\n  "Resources": []\n}\n', 'appspec.yaml', "is not valid JSON: Expected ',' or '}' after property value", 3],
    ['JSON with an unclosed list', '{\n  "version": 0.0,\n  "Resources": [}\n', 'appspec.yaml', "is not valid JSON: Unexpected token '}'", 3],
    ['JSON that stops short', '{\n  "version": 0.0,\n  "Resources": [\n', 'appspec.yaml', 'is not valid JSON', 4],
    ['an empty document', '# nothing\n', 'appspec.yaml', 'is empty; a Lambda appspec needs version: 0.0 and Resources naming the Lambda function', undefined],
    ['a JSON list', '[{"version": 0.0}]', 'appspec.yaml', 'must be a mapping with version: 0.0 and Resources naming the Lambda function (got a list)', 1],
    ['an empty top-level key', '{"": 0}', '""', "'' is not an allowed top-level key", 1],
    ['an empty logical name', 'version: 0.0\nResources:\n  - "":\n      Type: AWS::Lambda::Function\n', 'Resources[0]."".Properties', 'is required (Name, Alias, CurrentVersion and TargetVersion)', 4],
  ])('%s', (_name, text, field, fragment, line) => {
    const problem = problemsOf(text).find((candidate) => candidate.field === field);
    expect(problem).toBeDefined();
    expect(problem?.message).toContain(fragment);
    expect(problem?.line).toBe(line);
  });

  it('reports every problem at once, in file order', () => {
    const text = lambda(['Name: f', 'Alias: 7', 'CurrentVersion: $LATEST'], ['Before: CodeDeployHook_pre']).replace('0.0', '2');
    expect(problemsOf(text).map((problem) => [problem.field, problem.line])).toEqual([
      ['version', 1],
      ['Resources[0].myFunction.Properties.TargetVersion', 6],
      ['Resources[0].myFunction.Properties.Alias', 7],
      ['Resources[0].myFunction.Properties.CurrentVersion', 8],
      ['Hooks[0].Before', 10],
    ]);
  });

  it('gives broken JSON with the line YAML finds when JSON names no position, without quoting the text back', () => {
    expect(problemsOf('{\n  "version": 0.0,\n  "Resources": [}\n')).toEqual([
      { field: 'appspec.yaml', line: 3, message: "is not valid JSON: Unexpected token '}'" },
    ]);
  });

  it(`refuses an inline appspec read through aliases more than ${MAX_ALIAS_READS} times, naming its source`, () => {
    const hooks = Array.from({ length: MAX_ALIAS_READS + 1 }, () => '*h').join(', ');
    const text = `${lambda(PROPS)}Hooks: [&h {BeforeAllowTraffic: CodeDeployHook_pre}, ${hooks}]\n`;

    expect(problemsOf(text, 'revision.appSpecContent.content')).toEqual([
      { field: 'revision.appSpecContent.content', line: 10, message: `reads aliases (*h and others) more than ${MAX_ALIAS_READS} times; write the values out instead of repeating anchors` },
    ]);
  });

  it('names the source it was given, such as an inline revision', () => {
    expect(problemsOf('', 'revision.appSpecContent.content')).toEqual([
      { field: 'revision.appSpecContent.content', message: expect.stringContaining('is empty') },
    ]);
  });

  it('throws an AppSpecError whose message lists each problem with its line', () => {
    expect(() => parseLambdaAppSpec(lambda([...PROPS.slice(0, 3), 'TargetVersion: 3']))).toThrow(
      'Resources[0].myFunction.Properties.TargetVersion (line 9): must differ from CurrentVersion (both are 3)',
    );
  });
});
