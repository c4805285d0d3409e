// What the deployed stack wires up, read from the synthesized template rather than from the constructs' sources, so
// the end-to-end run uses the rules the cloud would get.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CutoverStack } from '../../lib/infra/cutover-stack';

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
  // Skips esbuild: only the template matters here, not the bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const rules = Object.values(Template.fromStack(new CutoverStack(app, 'Cutover')).findResources('AWS::Events::Rule')) as {
    Properties: { EventPattern: { source?: unknown } };
  }[];
  const matching = rules.filter((rule) => JSON.stringify(rule.Properties.EventPattern.source) === JSON.stringify([source]));
  if (matching.length !== 1) throw new Error(`expected one AWS::Events::Rule for ${source} in the stack, found ${matching.length}`);
  return matching[0].Properties.EventPattern;
}
