import pRetry from 'p-retry';

/**
 * A failure worth retrying as is (a transaction collided, a dependency blinked). Its name is
 * what Step Functions matches in the entry saga's Retry policy.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/**
 * Runs `attempt` again while it fails with a TransientError: an optimistic write that lost to
 * another one (a condition on what was read, a transaction collision) clears in milliseconds, so
 * up to 5 retries, 10-200 ms apart with jitter. Any other error surfaces at once; once the
 * retries run out, the last TransientError does.
 */
export function retryTransient<T>(attempt: () => Promise<T>): Promise<T> {
  return pRetry(attempt, {
    retries: 5,
    minTimeout: 10,
    maxTimeout: 200,
    randomize: true,
    shouldRetry: ({ error }) => error instanceof TransientError,
  });
}
