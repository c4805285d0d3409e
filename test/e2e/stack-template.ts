// What the deployed stack wires up, read from the synthesized template rather than from the constructs' sources, so
// the end-to-end run uses the rule the cloud would get.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CutoverStack } from '../../lib/infra/cutover-stack';

/** The EventPattern of the stack's one EventBridge rule: SSM Run Command status changes for the host-report handler. */
export function ssmStatusRulePattern(): unknown {
  // Skips esbuild: only the template matters here, not the bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const rules = Object.values(Template.fromStack(new CutoverStack(app, 'Cutover')).findResources('AWS::Events::Rule')) as {
    Properties: { EventPattern: unknown };
  }[];
  if (rules.length !== 1) throw new Error(`expected one AWS::Events::Rule in the stack, found ${rules.length}`);
  return rules[0].Properties.EventPattern;
}
