import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyUnknownError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { dynamoClient } from './dynamo/client.ts';
import type { Context } from 'aws-lambda';
import { config, required } from '../config.ts';
import { ApiError } from '../http/problem.ts';
import { once } from '../once.ts';
import { ENTRY_IDEMPOTENCY_LAYOUT } from './entry-idempotency-layout.ts';
import { logger } from './observability.ts';

/*
 * Powertools idempotency in front of the entry saga (only the enter function imports this
 * module, so only its bundle carries the package). It collapses a rush's duplicates (double
 * taps, client retries at 00:00) into one saga; it is not what keeps coins exact: the entry item,
 * keyed by player and tournament, already makes a repeated saga charge nothing.
 */

/**
 * How long a completed entry's answer is replayed without a saga. Duplicates of a rush arrive
 * within seconds (taps) to a minute or two (client retries with backoff); past that a repeat is
 * rare, and its saga ends at ValidateEntry, which finds the entry and charges nothing. Longer would
 * only keep more records: the answer itself never goes stale (a seated entry is final for the
 * day, and a replay reads the coins again), and the key changes with the tournament anyway.
 */
export const ENTRY_REPLAY_WINDOW_SECONDS = 10 * 60;

/** Retry-After of a duplicate that found the first still running: a saga answers in about a second. */
export const ENTRY_IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * Time kept, out of what the invocation has left, for the record's write after the call (the
 * answer's UpdateItem, or the DeleteItem after a failure): the call is given the rest, so the
 * function still answers before Lambda stops it. Each request to the table is bounded to fit
 * (a write takes milliseconds on DynamoDB; one that does not fit fails, and the answer is given
 * without it).
 */
export const ENTRY_RECORD_MARGIN_MS = 3_000;
const RECORD_REQUEST_TIMEOUT_MS = 2_000;
/**
 * One attempt, no SDK retry: the in-progress PutItem is conditional, and a retry of one that
 * DynamoDB applied but whose answer was lost (a timeout) would find the request's own record
 * and answer it 409 IDEMPOTENCY_IN_PROGRESS. A failed request is a store failure instead, and
 * the entry goes on without the record (EntryIdempotency.afterStoreFailure).
 */
const RECORD_MAX_ATTEMPTS = 1;

/**
 * The records' key prefix, in place of Powertools' default (the Lambda function's name): a
 * redeploy that renames the function keeps the records of entries in flight.
 */
const KEY_PREFIX = 'entry';

/** What identifies an entry, and so its duplicates: the player and the day's tournament. */
export interface EntryKey {
  readonly userId: string;
  readonly tournamentId: string;
}

/** What the guarded call did, as the guard saw it (Powertools' own errors come after or instead). */
type Outcome<T> = { readonly ran: false } | { readonly ran: true; readonly value: T } | { readonly ran: true; readonly failure: unknown };

export interface Guarded<T> {
  readonly value: T;
  /** The value is the stored answer of an earlier call: nothing ran this time. */
  readonly replayed: boolean;
}

/**
 * Runs a call at most once per key at a time, and replays its answer for the replay window.
 * Only answers are stored: a call that throws (a rule's 409, a 503) deletes its in-progress
 * record, so a retry runs again. The in-progress record expires with the invocation (the Lambda
 * context's remaining time), so a crashed invocation blocks its duplicates only until then.
 */
export class EntryIdempotency {
  constructor(
    private readonly persistenceStore: BasePersistenceLayer,
    private readonly idempotencyConfig: IdempotencyConfig,
  ) {}

  /** `call` gets the milliseconds it may take (what is left, less ENTRY_RECORD_MARGIN_MS). */
  async once<T>(key: EntryKey, context: Context, call: (remainingMs: number) => Promise<T>): Promise<Guarded<T>> {
    const budget = () => context.getRemainingTimeInMillis() - ENTRY_RECORD_MARGIN_MS;
    this.idempotencyConfig.registerLambdaContext(context);
    const seen: { outcome: Outcome<T> } = { outcome: { ran: false } };
    const guarded = makeIdempotent(
      async (_key: EntryKey): Promise<T> => {
        try {
          const value = await call(budget());
          seen.outcome = { ran: true, value };
          return value;
        } catch (failure) {
          seen.outcome = { ran: true, failure };
          throw failure;
        }
      },
      { persistenceStore: this.persistenceStore, config: this.idempotencyConfig, keyPrefix: KEY_PREFIX },
    );
    try {
      const value = await guarded(key);
      return { value, replayed: !seen.outcome.ran };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new ApiError(
          'IDEMPOTENCY_IN_PROGRESS',
          'an earlier request of yours is making this entry; retry to get its answer (a retry never charges twice)',
          undefined,
          ENTRY_IN_PROGRESS_RETRY_AFTER_SECONDS,
        );
      }
      if (!(error instanceof IdempotencyUnknownError)) throw error; // the call's own failure, as it is
      return this.afterStoreFailure(error, seen.outcome, () => call(budget()));
    }
  }

  /**
   * The idempotency table failed (throttled, unreachable). It is a duplicate collapser, not the
   * coins' guard, so entries carry on without it: the answer is what the call did, and a call that
   * never started runs unguarded (a duplicate then costs a saga, which charges nothing twice).
   */
  private async afterStoreFailure<T>(
    error: IdempotencyUnknownError,
    outcome: Outcome<T>,
    call: () => Promise<T>,
  ): Promise<Guarded<T>> {
    logger.warn('entry idempotency table failed; answering without it', { error });
    if (!outcome.ran) return { value: await call(), replayed: false };
    if ('value' in outcome) return { value: outcome.value, replayed: false };
    throw outcome.failure;
  }
}

/** The container's guard, on a DynamoDB client of its own (traced on Lambda), created on first use. */
export const entryIdempotency = once(
  () => {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    const client = dynamoClient(
      { region: AWS_REGION, endpoint: DYNAMODB_ENDPOINT },
      {
        maxAttempts: RECORD_MAX_ATTEMPTS,
        // Without throwOnRequestTimeout the SDK only warns about a late request and keeps waiting.
        requestHandler: { requestTimeout: RECORD_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
      },
    );
    const persistence = new DynamoDBPersistenceLayer({
      tableName: required('ENTRY_IDEMPOTENCY_TABLE_NAME'),
      keyAttr: ENTRY_IDEMPOTENCY_LAYOUT.keyAttribute,
      expiryAttr: ENTRY_IDEMPOTENCY_LAYOUT.expiryAttribute,
      awsSdkV3Client: client,
    });
    return { guard: new EntryIdempotency(persistence, new IdempotencyConfig({ expiresAfterSeconds: ENTRY_REPLAY_WINDOW_SECONDS })), client };
  },
  ({ client }) => client.destroy(),
);
