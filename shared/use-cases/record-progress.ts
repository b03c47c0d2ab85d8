import { createHash } from 'node:crypto';
import { levelUp } from '../domain/profile.ts';
import type { IdempotencyRecords } from '../adapters/dynamo/idempotency-records.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { faultPoint, faultPoints } from '../adapters/faults.ts';
import { TransientError, retryTransient } from '../adapters/transient-error.ts';
import { ApiError } from '../http/problem.ts';

export interface ProgressResult {
  readonly level: number;
  readonly coins: number;
  readonly coinsEarned: number;
}

export interface RecordProgressInput {
  readonly userId: string;
  readonly levelIncrease: number;
  readonly idempotencyKey?: string;
  readonly now: Date;
}

const OPERATION = 'progress';

/** Another attempt is worth it when the profile moved under us or a transaction collided. */
class Retry extends TransientError {
  constructor(readonly outcome: 'stale' | 'conflict') {
    super(`level-up was ${outcome}; retrying`);
  }
}

/**
 * Records levels gained. Read the profile, compute the new state with the game rules, and commit
 * it conditioned on the state read; with an Idempotency-Key the key's record joins that commit,
 * so a retried request replays the first answer instead of paying coins again.
 */
export async function recordProgress(
  deps: { users: UserRepository; idempotency: IdempotencyRecords },
  input: RecordProgressInput,
): Promise<{ result: ProgressResult; replayed: boolean }> {
  const key = input.idempotencyKey;
  const requestHash = createHash('sha256').update(JSON.stringify({ levelIncrease: input.levelIncrease })).digest('hex');

  const replay = async () => {
    if (key === undefined) return undefined;
    const record = await deps.idempotency.find({ userId: input.userId, operation: OPERATION, key }, input.now);
    if (!record) return undefined;
    if (record.requestHash !== requestHash) {
      throw new ApiError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different body');
    }
    return { result: record.response as unknown as ProgressResult, replayed: true };
  };

  const attempt = async () => {
    const profile = await deps.users.get(input.userId, { consistent: true });
    if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
    const next = levelUp(profile, input.levelIncrease);
    const result: ProgressResult = { level: next.level, coins: next.coins, coinsEarned: next.coinsEarned };
    const outcome = await deps.users.commitLevelUp({
      from: profile,
      levelUp: next,
      at: input.now,
      idempotency:
        key === undefined
          ? undefined
          : { userId: input.userId, operation: OPERATION, key, requestHash, response: { ...result } },
    });
    if (outcome === 'applied') {
      // A crash here (commit done, no response sent) must not apply progress twice on retry.
      await faultPoint(faultPoints.progressAfterCommit);
      return { result, replayed: false };
    }
    if (outcome === 'duplicate') {
      const replayed = await replay();
      // The record vanished between the failed condition and the read only if it expired: go again.
      if (!replayed) throw new Retry('stale');
      return replayed;
    }
    // A conflicting transaction may have been this very key's first attempt committing.
    if (outcome === 'conflict') {
      const replayed = await replay();
      if (replayed) return replayed;
    }
    throw new Retry(outcome);
  };

  try {
    // Only optimistic-concurrency misses are retried; rule and SDK errors surface at once.
    return await retryTransient(attempt);
  } catch (error) {
    if (error instanceof Retry) {
      throw error.outcome === 'conflict' && key !== undefined
        ? new ApiError('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed')
        : new ApiError('SERVICE_UNAVAILABLE', 'the profile is changing too fast; nothing was changed, retry later');
    }
    throw error;
  }
}
