import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctionsClient } from './step-functions-client.ts';

export interface SagaRun {
  /** UNANSWERED: the caller stopped waiting; the execution may still be running, or done. */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'UNANSWERED';
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

  /**
   * Starts the saga and waits for its result, at most `waitMs`: past that the request is
   * abandoned (the execution runs on in Step Functions) and the run is UNANSWERED.
   */
  async run(input: unknown, waitMs = Infinity): Promise<SagaRun> {
    const command = new StartSyncExecutionCommand({ stateMachineArn: this.stateMachineArn, input: JSON.stringify(input) });
    const abortSignal = Number.isFinite(waitMs) ? AbortSignal.timeout(Math.max(0, waitMs)) : undefined;
    const result = await this.client.send(command, { abortSignal }).catch((error: unknown) => {
      if (abortSignal?.aborted) return undefined;
      throw error;
    });
    if (!result) return { status: 'UNANSWERED' };
    return {
      status: (result.status ?? 'FAILED') as SagaRun['status'],
      output: result.output ? JSON.parse(result.output) : undefined,
      error: result.error,
      cause: result.cause,
    };
  }
}
