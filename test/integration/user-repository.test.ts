import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { levelUp, newProfile } from '../../shared/domain/profile.ts';
import { freshTable } from '../support/table.ts';
import { TEST_DAY } from '../support/test-days.ts';

describe('UserRepository on DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let users: UserRepository;
  const now = new Date(`${TEST_DAY}T08:00:00Z`);

  beforeAll(async () => {
    table = await freshTable();
    users = new UserRepository(table);
  });
  afterAll(() => table.drop());

  it('creates a profile once, even when 20 creates race', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => users.createIfAbsent(newProfile('racer', `Name${i}`, now))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)!.profile.displayName;
    for (const r of results) expect(r.profile).toMatchObject({ displayName: winner, coins: 1000, level: 1 });
    expect(await users.get('racer')).toMatchObject({ displayName: winner, coins: 1000 });
  });

  it('commits a level-up only from the state it was computed from', async () => {
    const { profile } = await users.createIfAbsent(newProfile('climber', 'Climber', now));
    expect(await users.commitLevelUp({ from: profile, levelUp: levelUp(profile, 3), at: now })).toBe('applied');
    // The same stale snapshot again: refused, nothing paid twice.
    expect(await users.commitLevelUp({ from: profile, levelUp: levelUp(profile, 3), at: now })).toBe('stale');
    expect(await users.get('climber', { consistent: true })).toMatchObject({ level: 4, coins: 1300 });
  });

  it('writes the idempotency record in the same commit, and refuses the key twice', async () => {
    const { profile } = await users.createIfAbsent(newProfile('keyed', 'Keyed', now));
    const record = { userId: 'keyed', operation: 'progress', key: 'k1', requestHash: 'h', response: { level: 2 } };
    expect(await users.commitLevelUp({ from: profile, levelUp: levelUp(profile, 1), at: now, idempotency: record })).toBe('applied');
    const fresh = (await users.get('keyed', { consistent: true }))!;
    expect(await users.commitLevelUp({ from: fresh, levelUp: levelUp(fresh, 1), at: now, idempotency: record })).toBe('duplicate');
    expect(await users.get('keyed', { consistent: true })).toMatchObject({ level: 2, coins: 1100 });
  });

  it('treats an expired idempotency record as absent (TTL deletion lags)', async () => {
    const { profile } = await users.createIfAbsent(newProfile('late', 'Late', now));
    const record = { userId: 'late', operation: 'progress', key: 'old', requestHash: 'h', response: {} };
    await users.commitLevelUp({ from: profile, levelUp: levelUp(profile, 1), at: now, idempotency: record });
    const twoDaysLater = new Date(now.getTime() + 2 * 24 * 3600 * 1000);
    const fresh = (await users.get('late', { consistent: true }))!;
    expect(
      await users.commitLevelUp({ from: fresh, levelUp: levelUp(fresh, 1), at: twoDaysLater, idempotency: record }),
    ).toBe('applied');
  });
});
