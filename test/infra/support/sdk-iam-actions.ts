// From an SDK call to the IAM actions AWS authorizes it with. Most operations are their own action under the
// service's prefix; the exceptions are listed, and an SDK package missing here fails the test instead of being
// guessed.
import type { SdkCall } from './reachable-sdk-calls';

const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-auto-scaling': 'autoscaling',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-ecs': 'ecs',
  // Classic and v2 load balancers share one IAM service prefix.
  '@aws-sdk/client-elastic-load-balancing': 'elasticloadbalancing',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
};

// Operations whose action has another name.
const RENAMED: Readonly<Record<string, string>> = {
  // The document client's commands wrap the item operations.
  '@aws-sdk/lib-dynamodb Get': 'GetItem',
  '@aws-sdk/lib-dynamodb Put': 'PutItem',
  '@aws-sdk/lib-dynamodb Update': 'UpdateItem',
  '@aws-sdk/lib-dynamodb Delete': 'DeleteItem',
  '@aws-sdk/lib-dynamodb BatchGet': 'BatchGetItem',
  '@aws-sdk/lib-dynamodb BatchWrite': 'BatchWriteItem',
  '@aws-sdk/lib-dynamodb TransactGet': 'TransactGetItems',
  '@aws-sdk/lib-dynamodb TransactWrite': 'TransactWriteItems',
  // Lambda's Invoke operation is the InvokeFunction action, whatever the invocation type.
  '@aws-sdk/client-lambda Invoke': 'InvokeFunction',
  // HEAD is authorized as the GET it stands in for.
  '@aws-sdk/client-s3 HeadObject': 'GetObject',
  '@aws-sdk/client-s3 HeadBucket': 'ListBucket',
};

// Reading a named version of an object is a second action.
const VERSION_ACTION: Readonly<Record<string, string>> = {
  's3:GetObject': 's3:GetObjectVersion',
};

export function iamActionsOf(call: SdkCall): string[] {
  const prefix = SERVICE_PREFIX[call.sdkPackage];
  if (prefix === undefined) {
    throw new Error(`${call.at}: no IAM service prefix known for ${call.sdkPackage}; add it to sdk-iam-actions.ts`);
  }
  const action = `${prefix}:${RENAMED[`${call.sdkPackage} ${call.operation}`] ?? call.operation}`;
  const version = call.versioned ? VERSION_ACTION[action] : undefined;
  return version === undefined ? [action] : [action, version];
}

/** Action → the places in the code that send it. */
export function actionsCalled(calls: readonly SdkCall[]): Map<string, string[]> {
  const actions = new Map<string, string[]>();
  for (const call of calls) {
    for (const action of iamActionsOf(call)) actions.set(action, [...(actions.get(action) ?? []), call.at].sort());
  }
  return actions;
}
