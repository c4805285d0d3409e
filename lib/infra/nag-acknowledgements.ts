// cdk-nag names an IAM5 finding after the flattened resource expression, so acknowledging one wildcard (and not every
// wildcard the role may gain later) needs that exact name; cdk-nag's own flattener gives it.
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** Acknowledges AwsSolutions-IAM5 for `resource` in the policies of `target` (a role, or what holds it). */
export function acknowledgeWildcardResource(target: IConstruct, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(target).resolve(resource));
  Validations.of(target).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
}
