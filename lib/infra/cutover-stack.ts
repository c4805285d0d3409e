// The stack `cdk deploy` creates: Cutover's service construct and its outputs, so everything it holds can also be
// embedded in another app through CutoverService.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CutoverService, type CutoverServiceProps } from './cutover-service';

export interface CutoverStackProps extends StackProps, Omit<CutoverServiceProps, 'revisionBuckets'> {
  /**
   * Names of existing buckets that hold revision bundles (see CutoverServiceProps.revisionBuckets).
   *
   * @default - none
   */
  readonly revisionBucketNames?: readonly string[];
}

export class CutoverStack extends Stack {
  public readonly service: CutoverService;

  public constructor(scope: Construct, id: string, props: CutoverStackProps = {}) {
    super(scope, id, {
      description: 'Cutover: CodeDeploy-compatible deployments on Step Functions, Lambda, DynamoDB and SSM Run Command',
      ...props,
    });
    const revisionBuckets = (props.revisionBucketNames ?? []).map((name) =>
      Bucket.fromBucketName(this, `RevisionBucket-${name}`, name),
    );
    this.service = new CutoverService(this, 'Service', { ...props, revisionBuckets });

    // What an operator needs after `cdk deploy`: where to upload bundles, what to attach to hosts, what to watch.
    new CfnOutput(this, 'RevisionBucketName', {
      description: 'Bucket for revision bundles (versioned; Cutover may read any object in it)',
      value: this.service.revisionBucket.bucketName,
    });
    new CfnOutput(this, 'HostPolicyArn', {
      description: "Attach to the hosts' role next to AmazonSSMManagedInstanceCore, so lifecycle script output reaches CloudWatch Logs",
      value: this.service.hostPolicy.managedPolicyArn,
    });
    new CfnOutput(this, 'StateMachineArn', {
      description: 'The server in-place state machine: one execution per deployment (or per part of a long one)',
      value: this.service.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'LambdaStateMachineArn', {
      description: 'The Lambda traffic-shift state machine: one execution per Lambda deployment',
      value: this.service.lambdaStateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'EcsStateMachineArn', {
      description: 'The ECS blue/green state machine: one execution per ECS deployment',
      value: this.service.ecsStateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'The REST API (stage v1); every request must be signed (SigV4) by a principal allowed execute-api:Invoke',
      value: this.service.api.url,
    });
    new CfnOutput(this, 'ApiId', {
      description: 'The REST API id, for execute-api:Invoke policies (arn:aws:execute-api:<region>:<account>:<id>/v1/*)',
      value: this.service.api.restApiId,
    });
    // Exported: rules and archives in other stacks subscribe to Cutover's events through Fn::ImportValue.
    new CfnOutput(this, 'EventBusName', {
      description: 'EventBridge bus Cutover publishes deployment and instance state changes on',
      value: this.service.eventBus.eventBusName,
      exportName: `${this.stackName}-EventBusName`,
    });
  }
}
