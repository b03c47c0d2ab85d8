import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctionsClient } from './step-functions-client.ts';

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
    this.client = stepFunctionsClient(endpoint);
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
