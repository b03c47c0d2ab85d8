import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';

export interface SagaRun {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** Runs the entry saga (a Step Functions Express state machine) and waits for its result. */
export class EntrySagaRunner {
  private readonly client: SFNClient;

  constructor(
    private readonly stateMachineArn: string,
    endpoint?: string,
  ) {
    // StartSyncExecution goes to the `sync-states` host; a custom endpoint (the local stack)
    // must be used as it is, without that prefix.
    this.client = new SFNClient(endpoint ? { endpoint, disableHostPrefix: true } : {});
  }

  async run(input: unknown): Promise<SagaRun> {
    const result = await this.client.send(
      new StartSyncExecutionCommand({ stateMachineArn: this.stateMachineArn, input: JSON.stringify(input) }),
    );
    return {
      status: (result.status ?? 'FAILED') as SagaRun['status'],
      output: result.output ? JSON.parse(result.output) : undefined,
      error: result.error,
      cause: result.cause,
    };
  }
}
