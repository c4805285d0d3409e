// A flow (server in-place, Lambda traffic shift, ECS blue/green): the ASL file itself, inlined into the template with the step
// functions' ARNs substituted, so the deployed definition and the one the embedded runtime runs are the same text.
import * as fs from 'node:fs';
import { ArnFormat, Names, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** `${Name}` placeholders of an ASL text, in order of first appearance. */
export function aslPlaceholders(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]))];
}

/** The flows Cutover runs, each its own state machine; the name ends each machine's name. */
export type CutoverFlow = 'ServerInPlace' | 'LambdaTrafficShift' | 'EcsBlueGreen';

/**
 * The name and ARN the state machine will have, fixed before it exists: the handlers that start executions or answer
 * task tokens need the ARN, and the state machine needs their ARNs, so a reference would be a cycle.
 */
export class StateMachineIdentity {
  public readonly name: string;
  public readonly arn: string;

  public constructor(scope: Construct, flow: CutoverFlow = 'ServerInPlace') {
    // Unique per stack and construct path, readable in the console, and within the 80-character limit (60 + 1 + 18).
    this.name = `${Names.uniqueResourceName(scope, { maxLength: 60, separator: '-' })}-${flow}`;
    this.arn = Stack.of(scope).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

export interface CutoverStateMachineProps {
  readonly identity: StateMachineIdentity;
  /** Absolute path of the ASL file. */
  readonly definitionPath: string;
  /** Placeholder name → Lambda function it stands for; every placeholder of the file must be here. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly logRetention: RetentionDays;
}

export class CutoverStateMachine extends Construct {
  public readonly stateMachine: StateMachine;

  public constructor(scope: Construct, id: string, props: CutoverStateMachineProps) {
    super(scope, id);
    const definition = fs.readFileSync(props.definitionPath, 'utf8');
    const missing = aslPlaceholders(definition).filter((name) => props.functions[name] === undefined);
    if (missing.length > 0) {
      throw new Error(`${props.definitionPath} uses placeholders with no function: ${missing.join(', ')}`);
    }
    const functions = Object.values(props.functions);

    // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account's CloudWatch Logs resource policy.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.identity.name}`,
      retention: props.logRetention,
    });

    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineName: props.identity.name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(props.functions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // fromString gives CDK no view into the definition, so the invoke grant is explicit: the unqualified ARNs the ASL
    // names, without the `:*` version wildcard that grantInvoke adds.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((fn) => fn.functionArn) }),
    );
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CDK grants the X-Ray trace actions and the CloudWatch Logs delivery actions that tracing and logging need; ' +
        'none of them supports resource-level permissions',
    });
  }
}
