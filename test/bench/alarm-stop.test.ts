import { ALARM_STOP_BUDGET_SECONDS, type AlarmStopRow, checkAlarmStopBudget } from '../../bench/alarm-stop';

describe('checkAlarmStopBudget', () => {
  const row = (status: string, stopSeconds: number): AlarmStopRow => ({
    case: 'alarm set under cutover local serve',
    config: 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
    timeScale: 10,
    status,
    stopSeconds,
    budgetSeconds: 1,
  });

  it.each([
    ['Stopped', 0.08, false, 'within budget: alarm set under cutover local serve at --time-scale 10, Stopped after the alarm: 0.08 s (at most 1 s)'],
    ['Stopped', 1, false, 'within budget: alarm set under cutover local serve at --time-scale 10, Stopped after the alarm: 1 s (at most 1 s)'],
    ['Stopped', 1.2, true, 'OVER BUDGET: alarm set under cutover local serve at --time-scale 10, Stopped after the alarm: 1.2 s (at most 1 s)'],
    ['Succeeded', 0.08, true, 'OVER BUDGET: alarm set under cutover local serve at --time-scale 10, Succeeded after the alarm: 0.08 s (at most 1 s)'],
  ])('a deployment %s %p s after the alarm is over: %p', (status, seconds, over, line) => {
    expect(checkAlarmStopBudget(row(status, seconds))).toEqual({ line, over });
  });

  it("holds the issue's promise: one second", () => {
    expect(ALARM_STOP_BUDGET_SECONDS).toBe(1);
  });
});
