// List prices, us-east-1, from ../shared/reference/perf-anchors.md §7 (and its Lambda size assumption, §7.1).
export const PRICES = {
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  stateTransition: 0.025 / 1000,
  /** Lambda, per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda, per GB-second. */
  lambdaGbSecond: 0.0000166667,
  /** Assumed size of one step invocation: 256 MB for 200 ms. */
  lambdaGbSecondsPerInvocation: 0.25 * 0.2,
  /** DynamoDB on-demand, per write request unit ($0.625 per million); item writes under 1 KB count one each. */
  dynamodbWrite: 0.625 / 1_000_000,
  /** SSM Run Command on EC2, and SSM's events on the default bus: free. */
  ssmCommand: 0,
  /** EventBridge custom events Cutover puts on its bus ($1.00 per million). */
  customEvent: 1 / 1_000_000,
} as const;

export interface Usage {
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly dynamodbWrites: number;
  readonly ssmCommands: number;
  /** State changes published to EventBridge (absent: none counted). */
  readonly events?: number;
}

export function priceOf(usage: Usage): number {
  const lambda = usage.lambdaInvocations * (PRICES.lambdaRequest + PRICES.lambdaGbSecondsPerInvocation * PRICES.lambdaGbSecond);
  const usd =
    usage.stateTransitions * PRICES.stateTransition +
    lambda +
    usage.dynamodbWrites * PRICES.dynamodbWrite +
    usage.ssmCommands * PRICES.ssmCommand +
    (usage.events ?? 0) * PRICES.customEvent;
  return Math.round(usd * 1_000_000) / 1_000_000;
}
