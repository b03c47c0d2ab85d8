/**
 * The limits Lambda enforces on one invocation, and the errors its callers then see. The error
 * `name` is what Lambda reports as `errorType`: Step Functions uses it as the ASL error name (so a
 * Retry or Catch on `Sandbox.Timedout`, `States.TaskFailed` or `States.ALL` matches it), an SQS
 * event source returns the whole batch to the queue, API Gateway answers 500.
 */

/** A handler still running at its function's Timeout: Lambda stops the sandbox and reports this. */
export class LambdaTimeoutError extends Error {
  constructor(requestId: string, timeoutSeconds: number) {
    // Lambda's own wording, e.g. "RequestId: 1f2e... Error: Task timed out after 10.00 seconds".
    super(`RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

/** Lambda's cap on a synchronous invocation's response: 6 MB (6,291,556 bytes). */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;

export class ResponseSizeTooLargeError extends Error {
  constructor(bytes: number) {
    super(`Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`);
    this.name = 'Function.ResponseSizeTooLarge';
  }
}

/**
 * Lambda's default concurrency quota per account and Region: 1,000 invocations at once across
 * every function. A function with reserved concurrency is also capped at its reservation.
 */
export const ACCOUNT_CONCURRENCY = 1_000;

/** An invocation past the concurrency limit: Lambda refuses it, unrun (a throttle). */
export class LambdaThrottledError extends Error {
  constructor(functionName: string, limit: number) {
    super(`Rate Exceeded. ${functionName} is at its concurrency limit (${limit})`);
    // Step Functions names it Lambda.TooManyRequestsException (a Retry on it matches).
    this.name = 'Lambda.TooManyRequestsException';
  }
}

/** How work that outlived its deadline finally ended. */
export type LateOutcome = { readonly settled: 'resolved' } | { readonly settled: 'rejected'; readonly error: unknown };

/**
 * `work`'s outcome if it settles within `timeoutMs`, else a rejection with `timedOut()`. Work that
 * settles later cannot be stopped in this process; its outcome is only reported to `onLate`, never
 * awaited or returned.
 */
export function settleWithin<T>(
  work: Promise<T>,
  timeoutMs: number,
  timedOut: () => Error,
  onLate: (outcome: LateOutcome) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(timedOut());
    }, Math.max(0, timeoutMs));
    work.then(
      (value) => {
        if (late) return onLate({ settled: 'resolved' });
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (late) return onLate({ settled: 'rejected', error });
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A response as it crosses Lambda's wire: a JSON copy, refused above the payload limit. */
export function responsePayload(result: unknown): unknown {
  const json = JSON.stringify(result);
  if (json === undefined) return undefined;
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_RESPONSE_PAYLOAD_BYTES) throw new ResponseSizeTooLargeError(bytes);
  return JSON.parse(json);
}
