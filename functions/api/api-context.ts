// What the API's operations work with: the same dependencies the steps use, and how the runtime names hosts.
import type { StepDependencies } from '../ports';

export interface ApiContext {
  readonly deps: StepDependencies;
  /**
   * Explicit hosts of a deployment group: EC2 and on-premises instance ids on AWS, folder names under
   * `.cutover/hosts` on the embedded runtime.
   */
  readonly hostNaming: 'aws' | 'local';
}
