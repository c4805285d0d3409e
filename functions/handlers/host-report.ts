// Lambda entry for the host-report step, for callers that already hold a HostReport. On AWS, SSM status events reach
// the step through ssm-event.ts instead. Dependencies are built once per cold start.
import { hostReport } from '../steps/host-report';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(hostReport, deps);
