import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Errors that mean the request never reached a healthy dependency, so nothing was written. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const REJECTED_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
]);

export function isDependencyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (REJECTED_NAMES.has(error.name)) return true;
  // The SDK wraps socket errors; look one level down.
  return error.cause !== undefined && error.cause !== error && isDependencyUnavailable(error.cause);
}

/** The per-item reason codes of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code);
}

/**
 * Runs a conditional write: true if it was applied, false if its condition did not hold (the
 * state it guards against is already there); any other failure is thrown.
 */
export async function appliedIfCondition(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
