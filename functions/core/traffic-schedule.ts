// The schedule a Lambda or ECS deployment shifts traffic by (spec §2.5): when each shift happens and how much of the
// traffic is on the new version after it. The engine waits between steps in a Wait state, so atSeconds is what it
// sleeps until, counted from the first shift.
import type { TrafficDeploymentConfig, TrafficRoutingConfig } from './traffic-configs';

export interface TrafficStep {
  /** Seconds after the first shift. */
  readonly atSeconds: number;
  /** Percent of traffic on the target version once this step is done; the last step is always 100. */
  readonly weight: number;
}

/**
 * Shifts a linear config takes: 33 % needs four (33, 66, 99, 100), the last one moving what is left. Counted on
 * integers so no float rounding adds or drops a step.
 */
export function linearStepCount(linearPercentage: number): number {
  return Math.ceil(100 / linearPercentage);
}

/** The shifts of a config, first at 0 s. Accepts a whole deployment config or only its trafficRoutingConfig. */
export function trafficSchedule(config: TrafficRoutingConfig | TrafficDeploymentConfig): TrafficStep[] {
  const routing = 'trafficRoutingConfig' in config ? config.trafficRoutingConfig : config;
  switch (routing.type) {
    case 'AllAtOnce':
      return [{ atSeconds: 0, weight: 100 }];
    case 'TimeBasedCanary': {
      const { canaryPercentage, canaryInterval } = routing.timeBasedCanary;
      checkShape('canaryPercentage', canaryPercentage, 'canaryInterval', canaryInterval);
      return [
        { atSeconds: 0, weight: canaryPercentage },
        { atSeconds: canaryInterval * 60, weight: 100 },
      ];
    }
    case 'TimeBasedLinear': {
      const { linearPercentage, linearInterval } = routing.timeBasedLinear;
      checkShape('linearPercentage', linearPercentage, 'linearInterval', linearInterval);
      const steps = linearStepCount(linearPercentage);
      return Array.from({ length: steps }, (_, index) => ({
        atSeconds: index * linearInterval * 60,
        weight: Math.min(100, (index + 1) * linearPercentage),
      }));
    }
  }
}

/** Minutes from the first shift to the last: what CodeDeploy caps at 2,880 for custom configs. */
export function scheduleSpanMinutes(config: TrafficRoutingConfig | TrafficDeploymentConfig): number {
  const schedule = trafficSchedule(config);
  return schedule[schedule.length - 1].atSeconds / 60;
}

// Stored configs are parsed once at creation, but a record edited by hand would otherwise turn a 0 % step into an
// endless schedule or a fractional interval into a Wait state that cannot run.
function checkShape(percentField: string, percent: number, intervalField: string, interval: number): void {
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw new RangeError(`${percentField} must be an integer from 1 to 99 (got ${percent})`);
  }
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new RangeError(`${intervalField} must be a whole number of minutes, 1 or more (got ${interval})`);
  }
}
