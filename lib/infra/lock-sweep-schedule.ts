// The schedule of the lock sweep: every five minutes, a rule on the default bus invokes the sweep handler. A lock left
// by a dead execution is recovered by the next request for its group anyway; the schedule covers groups nobody
// deploys to again, so that none stays blocked and no deployment stays InProgress for good.
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** How often the sweep runs. */
export const LOCK_SWEEP_RATE = Duration.minutes(5);

export interface LockSweepScheduleProps {
  readonly handler: IFunction;
}

export class LockSweepSchedule extends Construct {
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: LockSweepScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Resource', {
      description: 'Cutover: recover the deployment group locks of executions that ended without finishing',
      schedule: Schedule.rate(LOCK_SWEEP_RATE),
      // A failed sweep is not retried: the next one runs in five minutes and tries every group again.
      targets: [new LambdaFunction(props.handler, { retryAttempts: 0 })],
    });
  }
}
