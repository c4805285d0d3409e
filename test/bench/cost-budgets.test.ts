import { checkBudgets, COST_BUDGETS } from '../../bench/cost-budgets';

describe('checkBudgets', () => {
  const budget = { hosts: 100, config: 'CodeDeployDefault.HalfAtATime', usd: 0.01 };

  it.each([
    [0.0031, false, 'within budget: 100 hosts, CodeDeployDefault.HalfAtATime: $0.0031 (at most $0.01)'],
    [0.01, false, 'within budget: 100 hosts, CodeDeployDefault.HalfAtATime: $0.0100 (at most $0.01)'],
    [0.0101, true, 'OVER BUDGET: 100 hosts, CodeDeployDefault.HalfAtATime: $0.0101 (at most $0.01)'],
  ])('a run costing $%p is over: %p', (usd, over, line) => {
    expect(checkBudgets([{ hosts: 100, config: budget.config, usd }], [budget])).toEqual({ lines: [line], over });
  });

  it('leaves out budgets no run measured, and other runs', () => {
    expect(checkBudgets([{ hosts: 10, config: budget.config, usd: 5 }], [budget])).toEqual({ lines: [], over: false });
  });

  it("holds the issue's promise: 100 hosts with HalfAtATime for a cent at most", () => {
    expect(COST_BUDGETS).toContainEqual(budget);
  });
});
