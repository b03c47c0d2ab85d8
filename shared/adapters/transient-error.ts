/**
 * A failure worth retrying as is (a transaction collided, a dependency blinked). Its name is
 * what Step Functions matches in the entry saga's Retry policy.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
