// The CDK app behind `npx cdk deploy`: one env-agnostic Cutover stack, checked by cdk-nag's AWS Solutions rules on
// every synth. Findings that are design decisions are acknowledged, with the reason, next to the resource that
// raises them (lib/infra), so they travel with the construct; anything else fails the synth.
//
// Context:
//   cutover:revisionBuckets  comma-separated names of the buckets holding revision bundles
//                            (npx cdk deploy -c cutover:revisionBuckets=my-bundles,other-bundles)
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CutoverStack } from '../lib/infra/cutover-stack';

const app = new App();

new CutoverStack(app, 'Cutover', {
  revisionBucketNames: revisionBucketNames(app.node.tryGetContext('cutover:revisionBuckets')),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

function revisionBucketNames(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  if (typeof value !== 'string') {
    throw new Error(`cutover:revisionBuckets must be a comma-separated string of bucket names, got ${JSON.stringify(value)}`);
  }
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}
