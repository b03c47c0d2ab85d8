import { IdempotencyConfig, IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ENTRY_IN_PROGRESS_RETRY_AFTER_SECONDS,
  ENTRY_RECORD_MARGIN_MS,
  ENTRY_REPLAY_WINDOW_SECONDS,
  EntryIdempotency,
} from '../../shared/adapters/entry-idempotency.ts';
import { ApiError } from '../../shared/http/problem.ts';

/** Powertools' persistence contract in memory, each operation able to fail as a throttled table would. */
class MemoryPersistence extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  readonly failing = new Set<'put' | 'update' | 'delete'>();
  /** The in-progress write is applied but its answer is lost (a client-side timeout). */
  losePutAnswer = false;

  private fail(operation: 'put' | 'update' | 'delete'): void {
    if (this.failing.has(operation)) throw new Error(`ProvisionedThroughputExceededException (${operation})`);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    this.fail('put');
    const existing = this.records.get(record.idempotencyKey);
    if (existing && !existing.isExpired()) throw new IdempotencyItemAlreadyExistsError('exists', existing);
    this.records.set(record.idempotencyKey, record);
    if (this.losePutAnswer) throw new Error('TimeoutError: the request timed out after it was sent');
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = this.records.get(idempotencyKey);
    if (!record) throw new IdempotencyItemNotFoundError();
    return record;
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.fail('update');
    this.records.set(record.idempotencyKey, record);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.fail('delete');
    this.records.delete(record.idempotencyKey);
  }
}

const REMAINING_MS = 20_000;
const context = { getRemainingTimeInMillis: () => REMAINING_MS } as Context;
const key = { userId: 'u-1', tournamentId: '2026-11-27' };

function guardOn(persistence = new MemoryPersistence()) {
  return { persistence, guard: new EntryIdempotency(persistence, new IdempotencyConfig({ expiresAfterSeconds: ENTRY_REPLAY_WINDOW_SECONDS })) };
}

/** A call that counts its runs and answers `value`. */
function counted<T>(value: T) {
  const calls = { runs: 0 };
  return { calls, call: async () => (calls.runs++, value) };
}

describe('the entry guard (Powertools idempotency)', () => {
  it('runs the first call and replays its answer to the next ones with the same key', async () => {
    const { guard } = guardOn();
    const { calls, call } = counted({ created: true });
    expect(await guard.once(key, context, call)).toEqual({ value: { created: true }, replayed: false });
    expect(await guard.once(key, context, call)).toEqual({ value: { created: true }, replayed: true });
    expect(calls.runs).toBe(1);
    // Another day's tournament is another entry.
    expect((await guard.once({ ...key, tournamentId: '2026-11-28' }, context, call)).replayed).toBe(false);
    expect(calls.runs).toBe(2);
  });

  it('answers a duplicate of a call still running with 409 IDEMPOTENCY_IN_PROGRESS and Retry-After', async () => {
    const { guard, persistence } = guardOn();
    let finish!: () => void;
    const first = guard.once(key, context, () => new Promise<string>((resolve) => (finish = () => resolve('seat'))));
    await expect.poll(() => persistence.records.size).toBe(1); // the first call's in-progress record
    const duplicate = await guard.once(key, context, async () => 'second').catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ApiError);
    expect(duplicate).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', status: 409, retryAfterSeconds: ENTRY_IN_PROGRESS_RETRY_AFTER_SECONDS });
    finish();
    expect(await first).toEqual({ value: 'seat', replayed: false });
  });

  it('stores no failure: the error passes as it is, and a retry runs again', async () => {
    const { guard, persistence } = guardOn();
    const refusal = new ApiError('INSUFFICIENT_COINS', 'entry costs 500 coins; you have 499');
    await expect(guard.once(key, context, async () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(persistence.records.size).toBe(0);
    expect(await guard.once(key, context, async () => 'seat')).toEqual({ value: 'seat', replayed: false });
  });

  it("gives the call the invocation's remaining time less the record's margin, and ties the in-progress record to it", async () => {
    const { guard, persistence } = guardOn();
    let given = 0;
    let inProgressExpiry: number | undefined;
    const before = Date.now();
    await guard.once(key, context, async (remainingMs) => {
      given = remainingMs;
      inProgressExpiry = [...persistence.records.values()][0]?.inProgressExpiryTimestamp;
      return 'seat';
    });
    expect(given).toBe(REMAINING_MS - ENTRY_RECORD_MARGIN_MS);
    expect(inProgressExpiry).toBeGreaterThanOrEqual(before + REMAINING_MS);
    expect(inProgressExpiry).toBeLessThanOrEqual(Date.now() + REMAINING_MS);
  });

  describe('when its table fails, entries carry on without it', () => {
    it('runs the call unguarded when the in-progress record cannot be written', async () => {
      const { guard, persistence } = guardOn();
      persistence.failing.add('put');
      const { calls, call } = counted('seat');
      expect(await guard.once(key, context, call)).toEqual({ value: 'seat', replayed: false });
      expect(calls.runs).toBe(1);
    });

    it('never answers a lone request 409 when its in-progress write was applied but its answer lost', async () => {
      const { guard, persistence } = guardOn();
      persistence.losePutAnswer = true;
      const { calls, call } = counted('seat');
      expect(await guard.once(key, context, call)).toEqual({ value: 'seat', replayed: false });
      expect(calls.runs).toBe(1);
    });

    it("answers with what the call did when its answer cannot be stored, running it once", async () => {
      const { guard, persistence } = guardOn();
      persistence.failing.add('update');
      const { calls, call } = counted('seat');
      expect(await guard.once(key, context, call)).toEqual({ value: 'seat', replayed: false });
      expect(calls.runs).toBe(1);
    });

    it("answers with the call's own failure when the in-progress record cannot be deleted", async () => {
      const { guard, persistence } = guardOn();
      persistence.failing.add('delete');
      const refusal = new ApiError('ENTRY_CLOSED', 'entry closed at 12:00 UTC');
      await expect(guard.once(key, context, async () => Promise.reject(refusal))).rejects.toBe(refusal);
    });
  });
});
