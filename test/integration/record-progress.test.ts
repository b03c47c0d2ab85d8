import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyRecords } from '../../shared/adapters/dynamo/idempotency-records.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { installFaultInjector } from '../../shared/adapters/faults.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { ApiError } from '../../shared/http/problem.ts';
import { recordProgress } from '../../shared/use-cases/record-progress.ts';
import { freshTable } from '../support/table.ts';
import { TEST_DAY } from '../support/test-days.ts';

describe('recordProgress on DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let deps: { users: UserRepository; idempotency: IdempotencyRecords };
  const now = new Date(`${TEST_DAY}T08:00:00Z`);
  const player = async (userId: string) => (await deps.users.createIfAbsent(newProfile(userId, userId, now))).profile;
  const coinsOf = async (userId: string) => (await deps.users.get(userId, { consistent: true }))!.coins;

  beforeAll(async () => {
    table = await freshTable();
    deps = { users: new UserRepository(table), idempotency: new IdempotencyRecords(table) };
  });
  afterEach(() => installFaultInjector(undefined));
  afterAll(() => table.drop());

  it('applies 50 concurrent level-ups of one player exactly once each', async () => {
    await player('busy');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        recordProgress(deps, { userId: 'busy', levelIncrease: 1, idempotencyKey: `key-${i}`, now }),
      ),
    );
    const applied = results.filter((r) => r.status === 'fulfilled').length;
    const profile = (await deps.users.get('busy', { consistent: true }))!;
    // Every success is paid once; a call that gave up (503) paid nothing.
    expect(profile.level).toBe(1 + applied);
    expect(profile.coins).toBe(1000 + 100 * applied);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ApiError).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('pays a key once when 20 duplicates race, and every caller gets the same answer', async () => {
    await player('dup');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => recordProgress(deps, { userId: 'dup', levelIncrease: 5, idempotencyKey: 'same', now })),
    );
    expect(await coinsOf('dup')).toBe(1500);
    for (const r of results) expect(r.result).toEqual({ level: 6, coins: 1500, coinsEarned: 500 });
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('refuses the same key with another body (422) and changes nothing', async () => {
    await player('reuse');
    await recordProgress(deps, { userId: 'reuse', levelIncrease: 1, idempotencyKey: 'k', now });
    await expect(recordProgress(deps, { userId: 'reuse', levelIncrease: 2, idempotencyKey: 'k', now })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await coinsOf('reuse')).toBe(1100);
  });

  it('replays after a failure between commit and response, without paying again', async () => {
    await player('crashy');
    installFaultInjector(() => {
      throw new Error('the container died');
    });
    await expect(recordProgress(deps, { userId: 'crashy', levelIncrease: 2, idempotencyKey: 'c1', now })).rejects.toThrow(
      'the container died',
    );
    installFaultInjector(undefined);
    const retry = await recordProgress(deps, { userId: 'crashy', levelIncrease: 2, idempotencyKey: 'c1', now });
    expect(retry).toEqual({ result: { level: 3, coins: 1200, coinsEarned: 200 }, replayed: true });
    expect(await coinsOf('crashy')).toBe(1200);
  });

  it('rejects progress of a player with no profile, storing nothing', async () => {
    await expect(recordProgress(deps, { userId: 'ghost', levelIncrease: 1, idempotencyKey: 'g', now })).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    expect(await deps.idempotency.find({ userId: 'ghost', operation: 'progress', key: 'g' }, now)).toBeUndefined();
  });

  describe('when DynamoDB reports TransactionConflict (DynamoDB Local never does)', () => {
    // A middleware on the real client cancels the next transactions the way DynamoDB does
    // when two transactions touch one item; everything else runs on the real engine.
    const conflictNext = (times: number) => {
      let left = times;
      table.doc.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'TransactWriteItemsCommand' && left-- > 0) {
            throw new TransactionCanceledException({
              message: 'Transaction cancelled',
              $metadata: {},
              CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'injectTransactionConflict', override: true },
      );
      return () => table.doc.middlewareStack.remove('injectTransactionConflict');
    };

    it('retries a conflict and pays once', async () => {
      await player('conflicted');
      const restore = conflictNext(2);
      try {
        const { result } = await recordProgress(deps, { userId: 'conflicted', levelIncrease: 1, idempotencyKey: 'x', now });
        expect(result).toEqual({ level: 2, coins: 1100, coinsEarned: 100 });
      } finally {
        restore();
      }
      expect(await coinsOf('conflicted')).toBe(1100);
    });

    it('answers 409 IDEMPOTENCY_IN_PROGRESS when the conflict persists, having changed nothing', async () => {
      await player('stuck');
      const restore = conflictNext(100);
      try {
        await expect(
          recordProgress(deps, { userId: 'stuck', levelIncrease: 1, idempotencyKey: 'y', now }),
        ).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
      } finally {
        restore();
      }
      expect(await coinsOf('stuck')).toBe(1000);
    });
  });
});
