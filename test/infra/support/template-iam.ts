// The IAM side of a synthesized template, made concrete: intrinsic functions are resolved as CloudFormation would
// in one made-up account and region, so statements can be simulated against real-looking ARNs.
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const PARTITION = 'aws';

export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, CfnValue>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Cutover',
  'AWS::NoValue': '',
};

/** A template value with every Ref, Fn::GetAtt, Fn::Join, Fn::Select and Fn::Split worked out. */
export function resolveValue(template: CfnTemplate, value: CfnValue): CfnValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => resolveValue(template, item));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') return refOf(template, String(value.Ref));
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [id, attribute] = value['Fn::GetAtt'] as [string, string];
    return attributeOf(template, id, attribute);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [delimiter, parts] = value['Fn::Join'] as [string, CfnValue[]];
    return parts.map((part) => String(resolveValue(template, part))).join(delimiter);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Select') {
    const [index, list] = value['Fn::Select'] as [number, CfnValue];
    return (resolveValue(template, list) as CfnValue[])[Number(index)];
  }
  if (keys.length === 1 && keys[0] === 'Fn::Split') {
    const [delimiter, source] = value['Fn::Split'] as [string, CfnValue];
    return String(resolveValue(template, source)).split(delimiter);
  }
  if (keys.some((key) => key.startsWith('Fn::'))) throw new Error(`template-iam.ts cannot resolve ${JSON.stringify(value)}`);
  return Object.fromEntries(keys.map((key) => [key, resolveValue(template, value[key])]));
}

/** The physical name CloudFormation would give a resource: its name property, or one made from the logical id. */
export function physicalName(template: CfnTemplate, id: string): string {
  const resource = resourceOf(template, id);
  const nameProperty = {
    'AWS::DynamoDB::GlobalTable': 'TableName',
    'AWS::DynamoDB::Table': 'TableName',
    'AWS::Logs::LogGroup': 'LogGroupName',
    'AWS::S3::Bucket': 'BucketName',
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::IAM::Role': 'RoleName',
    'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
    'AWS::StepFunctions::StateMachine': 'StateMachineName',
    'AWS::Events::EventBus': 'Name',
  }[resource.Type];
  const named = nameProperty === undefined ? undefined : resource.Properties?.[nameProperty];
  if (named !== undefined) return String(resolveValue(template, named));
  // S3 names are lower case; the others keep the id readable.
  return resource.Type === 'AWS::S3::Bucket' ? `cutover-${id.toLowerCase()}` : `Cutover-${id}`;
}

function refOf(template: CfnTemplate, name: string): string {
  const pseudo = PSEUDO[name];
  if (pseudo !== undefined) return pseudo;
  const resource = resourceOf(template, name);
  // Most resources answer Ref with their name; these answer with their ARN.
  if (resource.Type === 'AWS::StepFunctions::StateMachine' || resource.Type === 'AWS::IAM::ManagedPolicy') return arnOf(template, name);
  return physicalName(template, name);
}

function attributeOf(template: CfnTemplate, id: string, attribute: string): string {
  if (attribute === 'Arn') return arnOf(template, id);
  throw new Error(`template-iam.ts cannot resolve ${id}.${attribute}`);
}

function arnOf(template: CfnTemplate, id: string): string {
  const resource = resourceOf(template, id);
  const name = physicalName(template, id);
  switch (resource.Type) {
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
      return `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    case 'AWS::Logs::LogGroup':
      // CloudFormation's Arn of a log group ends in `:*`, which covers its streams.
      return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
    case 'AWS::S3::Bucket':
      return `arn:${PARTITION}:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`;
    case 'AWS::IAM::ManagedPolicy':
      return `arn:${PARTITION}:iam::${ACCOUNT}:policy/${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    case 'AWS::Events::EventBus':
      return `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
    default:
      throw new Error(`template-iam.ts does not know the ARN of a ${resource.Type}`);
  }
}

function resourceOf(template: CfnTemplate, id: string): CfnResource {
  const resource = template.Resources[id];
  if (resource === undefined) throw new Error(`No resource ${id} in the template`);
  return resource;
}

/**
 * Every identity policy document that applies to a role, resolved: its inline Policies, the AWS::IAM::Policy
 * resources attached to it, and customer managed policies of the template. An AWS managed policy is refused, since
 * its content is not in the template to judge.
 */
export function rolePolicies(template: CfnTemplate, roleId: string): { name: string; policy: PolicyDocument }[] {
  const role = resourceOf(template, roleId);
  const documents: { name: string; policy: PolicyDocument }[] = [];
  for (const [index, inline] of ((role.Properties?.Policies as CfnValue[] | undefined) ?? []).entries()) {
    documents.push({ name: `${roleId}-inline-${index}`, policy: resolveValue(template, (inline as Record<string, CfnValue>).PolicyDocument) as unknown as PolicyDocument });
  }
  for (const arn of (role.Properties?.ManagedPolicyArns as CfnValue[] | undefined) ?? []) {
    const ref = typeof arn === 'object' && arn !== null && !Array.isArray(arn) ? arn.Ref : undefined;
    if (typeof ref !== 'string' || template.Resources[ref]?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`${roleId} has a managed policy that is not in the template: ${JSON.stringify(arn)}`);
    }
    documents.push({ name: ref, policy: resolveValue(template, template.Resources[ref].Properties?.PolicyDocument ?? null) as unknown as PolicyDocument });
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as CfnValue[] | undefined) ?? [];
    if (roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }))) {
      documents.push({ name: id, policy: resolveValue(template, resource.Properties?.PolicyDocument ?? null) as unknown as PolicyDocument });
    }
  }
  return documents;
}

/** Every identity policy document in the template (roles' policies and managed policies), resolved. */
export function identityPolicyDocuments(template: CfnTemplate): { name: string; policy: PolicyDocument }[] {
  return Object.entries(template.Resources).flatMap(([id, resource]) => {
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      return [{ name: id, policy: resolveValue(template, resource.Properties?.PolicyDocument ?? null) as unknown as PolicyDocument }];
    }
    if (resource.Type === 'AWS::IAM::Role') {
      return ((resource.Properties?.Policies as CfnValue[] | undefined) ?? []).map((inline, index) => ({
        name: `${id}-inline-${index}`,
        policy: resolveValue(template, (inline as Record<string, CfnValue>).PolicyDocument) as unknown as PolicyDocument,
      }));
    }
    return [];
  });
}

export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat();
}
