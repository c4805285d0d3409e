// What the finish step records when a Lambda or ECS deployment that did not succeed gives its traffic back.
import type { RollbackInfo, TrafficShift } from '../../core/types';

/** What putting traffic back changed: the shifts with the restoring one added, and the message for rollbackInfo. */
export interface TrafficRestore {
  readonly trafficShifts: TrafficShift[];
  readonly rollbackInfo: RollbackInfo;
}
