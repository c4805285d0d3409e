// One Lambda function for one step: its own role (only what it calls is granted, by the caller) and its own log
// group with a retention, instead of the AWSLambdaBasicExecutionRole managed policy and a never-expiring group.
import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root, where functions/ and package-lock.json live. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

export interface StepHandlerProps {
  /** File name under functions/handlers/, without the extension. */
  readonly handlerFile: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
}

export class StepHandler extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  /** The entry under functions/handlers/, without the extension: what the IAM test derives the role's needs from. */
  public readonly handlerFile: string;

  public constructor(scope: Construct, id: string, props: StepHandlerProps) {
    super(scope, id);
    this.handlerFile = props.handlerFile;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Cutover ${props.handlerFile} handler`,
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Resource', {
      entry: path.join(PROJECT_ROOT, 'functions', 'handlers', `${props.handlerFile}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Bundle the pinned SDK instead of the runtime's copy, so Lambda runs the versions the tests ran.
        externalModules: [],
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the chosen Lambda runtime (design.md §6): the handlers are bundled for and tested against it; ' +
        'moving to nodejs24.x is a deliberate upgrade',
    });
  }
}
