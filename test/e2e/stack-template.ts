// What the deployed stack wires up, read from the synthesized template rather than from the constructs' sources, so
// the end-to-end run uses the rules and the state machines the cloud would get.
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { CutoverStack } from '../../lib/infra/cutover-stack';
import type { CutoverFlow } from '../../lib/infra/cutover-state-machine';

/** A state machine of the template: its definition as deployed and the Lambda handler behind each of its placeholders. */
export interface TemplateStateMachine {
  readonly flow: CutoverFlow;
  /** DefinitionString: the ASL text, `${…FunctionArn}` placeholders included. */
  readonly definition: string;
  /** Placeholder → the handler file (functions/handlers/<file>.ts) of the function DefinitionSubstitutions puts there. */
  readonly handlerFiles: Readonly<Record<string, string>>;
}

interface Synthesized {
  readonly stack: CutoverStack;
  readonly resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

let synthesized: Synthesized | undefined;

/** The stack, synthesized once per test file. */
function synthesize(): Synthesized {
  if (synthesized === undefined) {
    // Skips esbuild: only the template matters here, not the bundles.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new CutoverStack(app, 'Cutover');
    synthesized = { stack, resources: Template.fromStack(stack).toJSON().Resources as Synthesized['resources'] };
  }
  return synthesized;
}

/** The EventPattern of the stack's rule that feeds SSM Run Command status changes to the host-report handler. */
export function ssmStatusRulePattern(): unknown {
  return rulePattern('aws.ssm');
}

/** The EventPattern of the stack's rule that feeds CloudWatch alarm state changes to the alarm handler. */
export function alarmStateRulePattern(): unknown {
  return rulePattern('aws.cloudwatch');
}

/** The pattern of the one rule of the stack that matches events of `source`. */
function rulePattern(source: string): unknown {
  const rules = Object.values(synthesize().resources).filter((resource) => resource.Type === 'AWS::Events::Rule') as unknown as {
    Properties: { EventPattern?: { source?: unknown } };
  }[];
  // Scheduled rules (the lock sweep) have no pattern.
  const matching = rules.filter((rule) => JSON.stringify(rule.Properties.EventPattern?.source) === JSON.stringify([source]));
  if (matching.length !== 1) throw new Error(`expected one AWS::Events::Rule for ${source} in the stack, found ${matching.length}`);
  return matching[0].Properties.EventPattern;
}

/** Every state machine of the stack, each with the handlers its DefinitionSubstitutions name. */
export function templateStateMachines(): TemplateStateMachine[] {
  const { stack, resources } = synthesize();
  const logicalId = (element: unknown): string => stack.getLogicalId(element as CfnElement);
  const handlerFileOf = new Map(stack.service.functions.all().map((handler) => [logicalId(handler.function.node.defaultChild), handler.handlerFile]));
  const { stateMachine, lambdaStateMachine, ecsStateMachine } = stack.service;
  const flows: [CutoverFlow, IConstruct][] = [
    ['ServerInPlace', stateMachine],
    ['LambdaTrafficShift', lambdaStateMachine],
    ['EcsBlueGreen', ecsStateMachine],
  ];
  return flows.map(([flow, machine]) => {
    const { DefinitionString, DefinitionSubstitutions } = resources[logicalId(machine.node.defaultChild)].Properties;
    if (typeof DefinitionString !== 'string') throw new Error(`the ${flow} definition is not a plain string: ${JSON.stringify(DefinitionString)}`);
    const handlerFiles = Object.entries(DefinitionSubstitutions as Record<string, { 'Fn::GetAtt'?: [string, string] }>).map(([placeholder, value]) => {
      const file = handlerFileOf.get(value['Fn::GetAtt']?.[0] ?? '');
      if (file === undefined) throw new Error(`the ${flow} machine substitutes ${placeholder} with ${JSON.stringify(value)}, no function of the stack`);
      return [placeholder, file];
    });
    return { flow, definition: DefinitionString, handlerFiles: Object.fromEntries(handlerFiles) };
  });
}
