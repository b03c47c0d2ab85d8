import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { TEST_DAY } from '../support/test-days.ts';

const TODAY = TEST_DAY;
/** Seconds of 409 IDEMPOTENCY_IN_PROGRESS a retry may meet after a crash: above the enter function's 29 s. */
const IN_PROGRESS_RETRIES = 35;

/**
 * The stack process dies at each fault point of the entry saga: as each state starts, and after
 * each state's commit. After a restart and a sweep, every player is either in exactly one group
 * having paid 500 once, or in none with every coin back: never charged twice, never for nothing.
 */
describe('entry saga: a crash at every state', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'goodswipe-saga-crash-'));
  let db: TestDatabase;
  let stack: StackProcess | undefined;
  let clock = new Date(`${TODAY}T08:00:00Z`);

  const startStack = async () => {
    stack = await spawnLocalStack(['--state-dir', stateDir, '--clock', clock.toISOString()], db.env);
    return new ApiClient(stack.url);
  };

  beforeAll(async () => {
    db = await TestDatabase.start();
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it.each([
    { point: 'ValidateEntry', entered: false },
    { point: 'ReserveCoins', entered: false },
    { point: 'ReserveCoins.afterCommit', entered: false },
    { point: 'JoinGroup', entered: false },
    { point: 'JoinGroup.afterCommit', entered: true },
    { point: 'ConfirmReservation', entered: true },
    { point: 'ConfirmReservation.afterCommit', entered: true },
    { point: 'RefundReservation', entered: false },
    { point: 'RefundReservation.afterCommit', entered: false },
  ])('dies at $point: afterwards entered=$entered, paid once or not at all', async ({ point, entered }) => {
    let local = stack ? new ApiClient(stack.url) : await startStack();
    const username = `crash-${point}`;
    const { api, sub } = await local.signIn(username);
    expect((await api.post('/users', { displayName: point.slice(0, 32) })).status).toBe(201);
    await api.post('/users/me/progress', { levelIncrease: 9 }); // level 10, 1900 coins

    if (point.startsWith('RefundReservation')) {
      // Reach the compensation: joining fails until the saga gives up and refunds.
      await local.post('/_local/faults', { point: 'JoinGroup', action: 'error', times: 20 });
    }
    await local.post('/_local/faults', { point, action: 'crash' });
    await expect(api.post('/tournaments/current/entries')).rejects.toThrow();
    expect(await stack!.exited).toBe(70);

    // Restart on the same data; past the reservation's expiry the sweeper settles what was left.
    clock = new Date(clock.getTime() + 10 * 60 * 1000);
    local = await startStack();
    await local.post('/_local/clock', { advanceSeconds: 60 });
    clock = new Date(clock.getTime() + 61 * 1000);

    const seats = [...(await db.groups(TODAY)).values()].flat().filter((id) => id === sub).length;
    const entry = await db.entryOf(sub, TODAY);
    if (entered) {
      expect(seats).toBe(1);
      expect(await db.coinsOf(sub)).toBe(1400);
      expect(entry?.['status']).toBe('CONFIRMED');
    } else {
      expect(seats).toBe(0);
      expect(await db.coinsOf(sub)).toBe(1900);
      expect(entry?.['status'] ?? 'NONE').toMatch(/^(NONE|REFUNDED)$/);
    }

    // Either way, entering now ends with one seat and one payment. The crashed request's
    // idempotency record stays in progress until that invocation's time would have run out (at
    // most the function's 29 s): until then a retry is told 409 IDEMPOTENCY_IN_PROGRESS.
    const { api: again } = await local.signIn(username);
    let answer = await again.post('/tournaments/current/entries');
    for (let retries = 0; answer.status === 409 && answer.body?.code === 'IDEMPOTENCY_IN_PROGRESS' && retries < IN_PROGRESS_RETRIES; retries++) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      answer = await again.post('/tournaments/current/entries');
    }
    expect(answer.status, JSON.stringify(answer.body)).toBe(entered ? 200 : 201);
    expect(await db.coinsOf(sub)).toBe(1400);
    expect([...(await db.groups(TODAY)).values()].flat().filter((id) => id === sub)).toHaveLength(1);
  });
});
