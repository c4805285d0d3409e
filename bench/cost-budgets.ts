// What a deployment may cost on AWS at most. CodeDeploy charges nothing for EC2 deployments, so Cutover must stay
// close to free; `npm run bench -- --cost` fails when a measured run goes over.

export interface CostBudget {
  readonly hosts: number;
  readonly config: string;
  readonly usd: number;
}

export const COST_BUDGETS: readonly CostBudget[] = [{ hosts: 100, config: 'CodeDeployDefault.HalfAtATime', usd: 0.01 }];

export interface CostedRun {
  readonly hosts: number;
  readonly config: string;
  readonly usd: number;
}

/** One line per budget that a measured run checks: within it, or over it. Budgets no run measured are left out. */
export function checkBudgets(runs: readonly CostedRun[], budgets: readonly CostBudget[] = COST_BUDGETS): { lines: string[]; over: boolean } {
  const lines: string[] = [];
  let over = false;
  for (const budget of budgets) {
    const run = runs.find((r) => r.hosts === budget.hosts && r.config === budget.config);
    if (run === undefined) continue;
    const within = run.usd <= budget.usd;
    over ||= !within;
    lines.push(`${within ? 'within budget' : 'OVER BUDGET'}: ${budget.hosts} hosts, ${budget.config}: $${run.usd.toFixed(4)} (at most $${budget.usd})`);
  }
  return { lines, over };
}
