// Traffic routing configs as tests write them: canary(10, 5) is CodeDeploy's "10 % for 5 minutes, then the rest".
// Typed here, not imported from functions/core/traffic-configs, so the predefined list is checked against values
// the tests spell out themselves.
import type { TrafficRoutingConfig } from '../../functions/core/traffic-configs';

export const canary = (canaryPercentage: number, canaryInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage, canaryInterval },
});

export const linear = (linearPercentage: number, linearInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage, linearInterval },
});

export const ALL_AT_ONCE: TrafficRoutingConfig = { type: 'AllAtOnce' };
