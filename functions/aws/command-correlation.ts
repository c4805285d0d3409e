// An SSM status event names only the command and the instance. The correlation item written when the command was
// sent links them back to the deployment event, so the event can become a HostReport.

/** Which deployment event one SSM command runs, and on which hosts. */
export interface CommandCorrelation {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly eventIndex: number;
  readonly targetIds: readonly string[];
}

/** Written by the host runner right after SendCommand returns the command id. */
export interface CommandRecorder {
  saveCommand(commandId: string, correlation: CommandCorrelation): Promise<void>;
}

/** Read by the SSM event handler; undefined for commands Cutover did not send. */
export interface CommandLookup {
  getCommand(commandId: string): Promise<CommandCorrelation | undefined>;
}
