import { randomUUID } from 'node:crypto';
import { logLocalStackLine, type InvokeOptions } from './lambda-runtime.ts';
import { localFunctionArn, type AsyncInvokeConfigModel } from './template.ts';

/**
 * The record Lambda sends to an asynchronous invocation's on-failure destination (its
 * "invocation record"), in the shape AWS documents for a function error.
 */
export interface FailedInvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: { readonly statusCode: 200; readonly executedVersion: '$LATEST'; readonly functionError: 'Unhandled' };
  readonly responsePayload: { readonly errorType: string; readonly errorMessage: string };
}

export interface DestinationMessage {
  /** The destination queue's logical id in the template. */
  readonly queue: string;
  readonly record: FailedInvocationRecord;
}

/** Messages kept for `/_local/destinations`, newest first; older ones are dropped. */
const KEEP_MESSAGES = 1000;

/** The local stand-in of the on-failure SQS queues: what Lambda delivered to each, newest first. */
export class LocalDestinationQueues {
  private readonly messages: DestinationMessage[] = [];

  send(queue: string, record: FailedInvocationRecord): void {
    this.messages.unshift({ queue, record });
    this.messages.length = Math.min(this.messages.length, KEEP_MESSAGES);
  }

  list(limit: number): DestinationMessage[] {
    return this.messages.slice(0, limit);
  }
}

/** How an asynchronous invocation ended, after its retries. */
export type AsyncInvocationOutcome =
  | { readonly succeeded: true; readonly attempts: number }
  | { readonly succeeded: false; readonly attempts: number; readonly errorType: string; readonly destination?: string };

/** Lambda's settings for a function without an EventInvokeConfig: two retries, then the event is dropped. */
const LAMBDA_DEFAULTS = { maximumRetryAttempts: 2 } as const;

/**
 * Lambda waits about 1 minute before the first retry and 2 before the second; locally the
 * pauses are short real-time delays so a clock move does not wait minutes.
 */
export const LOCAL_RETRY_DELAYS_MS = [100, 200] as const;

export interface LocalAsyncInvokerOptions {
  /** A synchronous invocation (the local Lambda runtime's). */
  readonly invoke: (functionLogicalId: string, event: unknown, options: InvokeOptions) => Promise<unknown>;
  readonly configs: ReadonlyMap<string, AsyncInvokeConfigModel>;
  readonly destinations: LocalDestinationQueues;
  /** The record's timestamp (the local clock). */
  readonly now: () => Date;
  /** Pause before retry n is `retryDelaysMs[n - 1]` (the last one for any further retry). */
  readonly retryDelaysMs?: readonly number[];
  readonly log?: (line: string) => void;
}

/**
 * Invokes functions as Lambda's asynchronous invocation (InvocationType Event) does, which is how
 * EventBridge Scheduler invokes them: a failed attempt (an error or a timeout) is retried the
 * function's MaximumRetryAttempts times with a pause, under one request id; then the invocation
 * record goes to the on-failure destination, or the event is dropped if there is none.
 * It resolves once the last attempt is over, so a caller can keep its runs in order.
 */
export class LocalAsyncInvoker {
  private readonly retryDelaysMs: readonly number[];
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalAsyncInvokerOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? LOCAL_RETRY_DELAYS_MS;
    this.log = options.log ?? logLocalStackLine;
  }

  async invoke(functionLogicalId: string, event: unknown): Promise<AsyncInvocationOutcome> {
    const config: Pick<AsyncInvokeConfigModel, 'maximumRetryAttempts' | 'onFailureQueueLogicalId'> =
      this.options.configs.get(functionLogicalId) ?? LAMBDA_DEFAULTS;
    const requestId = randomUUID();
    const attemptsAllowed = 1 + config.maximumRetryAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.invoke(functionLogicalId, event, { requestId });
        return { succeeded: true, attempts: attempt };
      } catch (error) {
        const failure = errorPayload(error);
        this.log(`${functionLogicalId} (async request ${requestId}) attempt ${attempt} of ${attemptsAllowed} failed: ${failure.errorType}: ${failure.errorMessage}`);
        if (attempt >= attemptsAllowed) {
          return this.giveUp(functionLogicalId, event, requestId, attempt, failure, config.onFailureQueueLogicalId);
        }
        await pause(this.retryDelaysMs[Math.min(attempt, this.retryDelaysMs.length) - 1] ?? 0);
      }
    }
  }

  private giveUp(
    functionLogicalId: string,
    event: unknown,
    requestId: string,
    attempts: number,
    failure: FailedInvocationRecord['responsePayload'],
    destination: string | undefined,
  ): AsyncInvocationOutcome {
    if (destination === undefined) {
      this.log(`${functionLogicalId} (async request ${requestId}): retries exhausted and no on-failure destination; the event is dropped`);
      return { succeeded: false, attempts, errorType: failure.errorType };
    }
    this.options.destinations.send(destination, {
      version: '1.0',
      timestamp: this.options.now().toISOString(),
      requestContext: {
        requestId,
        functionArn: `${localFunctionArn(functionLogicalId)}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: failure,
    });
    return { succeeded: false, attempts, errorType: failure.errorType, destination };
  }
}

/** What the Node.js runtime reports for an unhandled error: its name and message. */
function errorPayload(error: unknown): FailedInvocationRecord['responsePayload'] {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message };
  return { errorType: 'Error', errorMessage: String(error) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
