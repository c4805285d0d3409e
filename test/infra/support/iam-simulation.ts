// Asks @cloud-copilot/iam-simulate whether a role's policies allow one request. The simulator validates each request
// against its IAM data (the action's resource types, the ARN's shape); the few places where that data and AWS's real
// authorization differ are listed here, with why, and only those skip the validation.
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type PolicyDocument } from './template-iam';

const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/cutover-step`;

interface Unvalidated {
  readonly applies: (action: string, resource: string) => boolean;
  readonly reason: string;
}

export const UNVALIDATED_REQUESTS: readonly Unvalidated[] = [
  {
    applies: (action, resource) => /^states:SendTask(Success|Failure|Heartbeat)$/.test(action) && resource.includes(':stateMachine:'),
    reason:
      'the Service Authorization Reference lists no resource type for the task callbacks, so the simulator wants *; ' +
      'Step Functions authorizes them against the state machine of the token (its AccessDenied names it)',
  },
  {
    applies: (_action, resource) => /^arn:[\w-]+:ssm:[\w-]+::document\//.test(resource),
    reason: "AWS-owned SSM documents have no account in their ARN, which the simulator's ARN pattern requires",
  },
];

export interface Decision {
  readonly allowed: boolean;
  /** The simulator's verdict, or its validation error. */
  readonly detail: string;
}

export async function simulate(policies: readonly { name: string; policy: PolicyDocument }[], action: string, resource: string): Promise<Decision> {
  const simulation: Simulation = {
    request: { principal: PRINCIPAL, action, resource: { resource, accountId: ACCOUNT }, contextVariables: {} },
    identityPolicies: policies.map(({ name, policy }) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (UNVALIDATED_REQUESTS.some((exception) => exception.applies(action, resource))) {
    const result = runUnsafeSimulation(simulation, {});
    return { allowed: result === 'Allowed', detail: String(result) };
  }
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') return { allowed: false, detail: `simulator refused the request: ${JSON.stringify(response.errors)}` };
  return { allowed: response.overallResult === 'Allowed', detail: response.overallResult };
}
