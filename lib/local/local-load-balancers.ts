// Simulated load balancers for the embedded runtime: each target group or classic ELB named in a group's
// loadBalancerInfo is a JSON file listing the hosts registered with it, so users (and tests) can see which hosts
// would take traffic at any moment.
import * as path from 'node:path';
import { ValidationError } from '../../functions/core/errors';
import type { LoadBalancerInfo } from '../../functions/core/types';
import type { PendingTarget, TrafficControl, TrafficDirection, TrafficProgress } from '../../functions/ports';
import { readStateFile, writeStateFile } from './json-state-file';

// Only reached if a file was changed by hand between the change and its check.
const LOCAL_CHECK_SECONDS = 1;
const LOCAL_LIMIT_SECONDS = 10;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class LocalLoadBalancers implements TrafficControl {
  public constructor(private readonly dir: string) {}

  // A change is in effect once written, so its progress is done without reading the files back.
  public async deregister(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress> {
    const leaving = new Set(targetIds);
    for (const name of balancerNames(info)) this.write(name, this.registered(name).filter((id) => !leaving.has(id)));
    return progress([]);
  }

  public async register(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress> {
    for (const name of balancerNames(info)) this.write(name, [...new Set([...this.registered(name), ...targetIds])].sort());
    return progress([]);
  }

  /** A simulated load balancer has no draining or health checks: a host is in or out the moment its file says so. */
  public async check(info: LoadBalancerInfo, targetIds: readonly string[], direction: TrafficDirection): Promise<TrafficProgress> {
    const pending: PendingTarget[] = [];
    for (const loadBalancer of balancerNames(info)) {
      const registered = new Set(this.registered(loadBalancer));
      for (const targetId of targetIds) {
        if (registered.has(targetId) !== (direction === 'register')) {
          pending.push({ targetId, loadBalancer, state: direction === 'register' ? 'unused' : 'registered' });
        }
      }
    }
    return progress(pending);
  }

  /** Hosts registered with one load balancer (target group or classic ELB) right now. */
  public registered(name: string): string[] {
    const text = readStateFile(this.file(name));
    if (text === undefined) return [];
    const body = JSON.parse(text) as { registered?: unknown };
    return Array.isArray(body.registered) ? body.registered.filter((id): id is string => typeof id === 'string') : [];
  }

  private write(name: string, registered: readonly string[]): void {
    writeStateFile(this.file(name), { registered });
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }
}

function progress(pending: PendingTarget[]): TrafficProgress {
  return {
    done: pending.length === 0,
    checkAfterSeconds: LOCAL_CHECK_SECONDS,
    limitSeconds: LOCAL_LIMIT_SECONDS,
    reason: 'simulated load balancers take effect at once',
    pending,
  };
}

/** Every target group and classic ELB of a group, each name checked: it becomes a file name. */
export function balancerNames(info: LoadBalancerInfo): string[] {
  const names = [...(info.targetGroupInfoList ?? []), ...(info.elbInfoList ?? [])].map((entry) => entry.name);
  for (const name of names) {
    if (!NAME.test(name)) {
      throw new ValidationError([{ field: 'loadBalancerInfo', message: `'${name}' is not a usable load balancer name: letters, digits, '.', '_' and '-', up to 128` }]);
    }
  }
  return names;
}
