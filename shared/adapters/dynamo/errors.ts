import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from './commands.ts';

/*
 * What DynamoDB's errors mean to this app: the one module that catches a failed condition or a
 * cancelled transaction. Every conditional write and every transaction goes through it.
 */

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

/**
 * A conditional write's result: applied (with what the write returned), or not because its
 * condition did not hold; then `existing` is the item that failed it, if the write asked for it
 * (ReturnValuesOnConditionCheckFailure).
 */
export type ConditionalWriteResult<T = unknown> =
  | { readonly applied: true; readonly value: T }
  | { readonly applied: false; readonly existing?: Item };

/** Runs a conditional write; any failure other than its condition is thrown. */
export async function conditionalWrite<T>(write: Promise<T>): Promise<ConditionalWriteResult<T>> {
  try {
    return { applied: true, value: await write };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // The document client leaves the returned item marshalled.
    return { applied: false, ...(error.Item ? { existing: unmarshall(error.Item) } : {}) };
  }
}

/**
 * Runs a conditional write: true if it was applied, false if its condition did not hold (the
 * state it guards against is already there); any other failure is thrown.
 */
export async function appliedIfCondition(write: Promise<unknown>): Promise<boolean> {
  return (await conditionalWrite(write)).applied;
}

/**
 * Runs a transaction and says what happened: `committed`, or, when DynamoDB cancelled it, the
 * outcome of the first entry of `conditionFailed` (item index and outcome, in priority order)
 * whose item's condition failed, else 'conflict' for a concurrent transaction on the same items;
 * anything else is thrown.
 */
export async function transactionOutcome<C extends string, F extends string>(
  transaction: Promise<unknown>,
  committed: C,
  conditionFailed: readonly (readonly [item: number, outcome: F])[],
): Promise<C | F | 'conflict'> {
  try {
    await transaction;
    return committed;
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
    const failed = conditionFailed.find(([item]) => reasons[item] === 'ConditionalCheckFailed');
    if (failed) return failed[1];
    if (reasons.includes('TransactionConflict')) return 'conflict';
    throw error;
  }
}
