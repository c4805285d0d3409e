// The REST API's front door: API Gateway proxies every request to the api function, and every method requires SigV4
// (IAM) authorization, so who may call Cutover is decided by IAM policies (grantInvoke), never by the function.
import { Names, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaRestApi,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

const API_STAGE = 'v1';

/** One JSON line per request: who called (IAM caller and user), what, and how it went. */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: AccessLogField.contextRequestId(),
  ip: AccessLogField.contextIdentitySourceIp(),
  caller: AccessLogField.contextIdentityCaller(),
  user: AccessLogField.contextIdentityUser(),
  requestTime: AccessLogField.contextRequestTime(),
  httpMethod: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  status: AccessLogField.contextStatus(),
  protocol: AccessLogField.contextProtocol(),
  responseLength: AccessLogField.contextResponseLength(),
  integrationLatency: AccessLogField.contextIntegrationLatency(),
};

export interface CutoverApiProps {
  readonly handler: IFunction;
  readonly logRetention: RetentionDays;
  /**
   * Whether to set the account's API Gateway CloudWatch Logs role (see CutoverServiceProps.apiGatewayCloudWatchRole).
   */
  readonly cloudWatchRole: boolean;
}

export class CutoverApi extends Construct {
  public readonly api: RestApi;
  public readonly accessLogs: LogGroup;

  public constructor(scope: Construct, id: string, props: CutoverApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.api = new LambdaRestApi(this, 'Resource', {
      handler: props.handler,
      proxy: true,
      restApiName: Names.uniqueResourceName(this, { maxLength: 60, separator: '-' }),
      description: 'Cutover: the CodeDeploy-style REST API',
      endpointTypes: [EndpointType.REGIONAL],
      // Applies to the root ANY and /{proxy+} ANY alike; no CORS, so no unauthenticated OPTIONS method.
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      // API Gateway writes access and execution logs with the account's CloudWatch role, one per region. CDK retains
      // it when the stack goes, so other APIs of the account keep logging.
      cloudWatchRole: props.cloudWatchRole,
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // Errors only: INFO would log every request twice, and data tracing would log bodies.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
      },
    });
    // CutoverStack outputs the stage URL as ApiUrl; RestApi's own output would repeat it under a generated name.
    this.api.node.tryRemoveChild('Endpoint');

    // API Gateway would create the execution log group itself, on the first error, and keep it forever.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE}`,
      retention: props.logRetention,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in the api function: every route parses its path, query and body with zod and answers ' +
        '400 with the field at fault; API Gateway models would duplicate those schemas',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Every method requires IAM (SigV4) authorization, so API Gateway refuses unsigned requests before any ' +
        'integration runs; a WAF web ACL would add a per-request charge without a caller it could turn away',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are IAM principals (operators, CI roles, the CLI): every method uses IAM authorization, not Cognito',
    });
    if (props.cloudWatchRole) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account-level role API Gateway logs with serves every REST API of the account and region, so it cannot " +
          'be scoped to this stack; AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS maintains for it',
      });
    }
  }

  /** Lets `grantee` call every method on every path of the stage (execute-api:Invoke). */
  public grantInvoke(grantee: IGrantable): Grant {
    const methods = this.api.arnForExecuteApi('*', '/*', API_STAGE);
    const grant = Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: [methods] });
    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal) && Stack.of(principal) === Stack.of(this)) {
      acknowledgeWildcardResource(principal, methods, 'Invoking the Cutover API: every method and path of its stage, by design');
    }
    return grant;
  }
}
