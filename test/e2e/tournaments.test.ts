import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const TODAY = TEST_DAY;

/** Tournaments and the entry saga through HTTP, on a local stack whose clock starts at 08:00. */
describe('tournaments and entries over HTTP', () => {
  let db: TestDatabase;
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    db = await TestDatabase.start();
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TODAY}T08:00:00Z`], db.env);
    local = new ApiClient(stack.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
  });

  const expectProblem = (response: { status: number; headers: Headers; body: any }, status: number, code: string) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.code).toBe(code);
  };

  /** A player at level 10 with 1900 coins (1000 to start + 900 for nine levels). */
  const eligiblePlayer = async (username: string) => {
    const session = await local.signIn(username);
    expect((await session.api.post('/users', { displayName: username })).status).toBe(201);
    expect((await session.api.post('/users/me/progress', { levelIncrease: 9 })).body).toMatchObject({ level: 10, coins: 1900 });
    return session;
  };

  it('shows the running tournament (created when the stack started)', async () => {
    const { api } = await local.signIn('viewer');
    const response = await api.get('/tournaments/current');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tournamentId: TODAY,
      status: 'OPEN',
      startsAt: `${TODAY}T00:00:00.000Z`,
      entryClosesAt: `${TODAY}T12:00:00.000Z`,
      endsAt: `${TODAY}T23:59:59.999Z`,
      entryFee: 500,
      minLevel: 10,
      groupSize: 35,
      rewards: [
        { fromRank: 1, toRank: 1, coins: 5000 },
        { fromRank: 2, toRank: 2, coins: 3000 },
        { fromRank: 3, toRank: 3, coins: 2000 },
        { fromRank: 4, toRank: 10, coins: 1000 },
      ],
    });
  });

  it('enters once for 500 coins; entering again returns the same entry and charges nothing', async () => {
    const { api } = await eligiblePlayer('entrant');
    const first = await api.post('/tournaments/current/entries');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ tournamentId: TODAY, groupId: expect.any(String), joinedAt: expect.any(String), coins: 1400 });
    const again = await api.post('/tournaments/current/entries');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await api.get('/users/me')).body.coins).toBe(1400);
  });

  it('charges once when the same player enters 8 times at once', async () => {
    const { api, sub } = await eligiblePlayer('double-tapper');
    const results = await Promise.all(Array.from({ length: 8 }, () => api.post('/tournaments/current/entries')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    // The others are the entry again (200), or, while the first is still running, 409
    // IDEMPOTENCY_IN_PROGRESS with Retry-After (Powertools idempotency; entry-idempotency.test.ts).
    for (const r of results.filter((r) => r.status !== 201 && r.status !== 200)) {
      expectProblem(r, 409, 'IDEMPOTENCY_IN_PROGRESS');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(new Set(results.filter((r) => r.status < 300).map((r) => r.body.groupId)).size).toBe(1);
    expect(await db.coinsOf(sub)).toBe(1400);
  });

  it('rejects by the rules and leaves the coins as they were', async () => {
    const low = await local.signIn('low-level');
    await low.api.post('/users', { displayName: 'Low' });
    expectProblem(await low.api.post('/tournaments/current/entries'), 409, 'LEVEL_TOO_LOW');
    expect((await low.api.get('/users/me')).body.coins).toBe(1000);

    const poor = await eligiblePlayer('poor');
    await db.setCoins(poor.sub, 499);
    const rejected = await poor.api.post('/tournaments/current/entries');
    expectProblem(rejected, 409, 'INSUFFICIENT_COINS');
    expect(rejected.body.detail).toBe('entry costs 500 coins; you have 499');
    expect(await db.coinsOf(poor.sub)).toBe(499);

    const ghost = await local.signIn('no-profile');
    expectProblem(await ghost.api.post('/tournaments/current/entries'), 404, 'USER_NOT_FOUND');
  });

  it('lists each saga execution with its state-by-state history', async () => {
    const { api, sub } = await eligiblePlayer('observed');
    await api.post('/tournaments/current/entries');
    const { body } = await local.get('/_local/executions?limit=20');
    const latest = body.items.find((e: any) => e.input.userId === sub);
    expect(latest).toMatchObject({ status: 'SUCCEEDED', executionId: expect.any(String), startedAt: expect.any(String) });
    const execution = await local.get(`/_local/executions/${latest.executionId}`);
    const exited = execution.body.events.filter((e: any) => e.type === 'StateExited').map((e: any) => e.state);
    expect(exited).toEqual(['ValidateEntry', 'ReserveCoins', 'JoinGroup', 'ConfirmReservation', 'EntrySucceeded']);
    expect((await local.get('/_local/executions/nope')).status).toBe(404);
  });

  it.each(['JoinGroup.afterCommit', 'ConfirmReservation', 'ConfirmReservation.afterCommit'])(
    'answers the seat it took when the saga fails after joining (%s), and charges once',
    async (point) => {
      const { api, sub } = await eligiblePlayer(`seated-${point.length}-${point.slice(0, 4)}`);
      await local.post('/_local/faults', { point, action: 'error', times: 20 });
      let first;
      try {
        first = await api.post('/tournaments/current/entries');
      } finally {
        await local.request('DELETE', '/_local/faults');
      }
      // The saga failed, but the player is seated and charged: the answer says so.
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ tournamentId: TODAY, groupId: expect.stringMatching(/^G\d{6}$/), coins: 1400 });
      expect(await db.coinsOf(sub)).toBe(1400);
      const again = await api.post('/tournaments/current/entries');
      expect(again.status).toBe(200);
      expect(again.body.groupId).toBe(first.body.groupId);
      expect(await db.coinsOf(sub)).toBe(1400);
    },
  );

  it('refunds when joining keeps failing, and says so with 503', async () => {
    const { api, sub } = await eligiblePlayer('unlucky-joiner');
    await local.post('/_local/faults', { point: 'JoinGroup', action: 'error', times: 20 });
    try {
      const refused = await api.post('/tournaments/current/entries');
      expectProblem(refused, 503, 'SERVICE_UNAVAILABLE');
      expect(refused.body.detail).toMatch(/nothing was charged/);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      await local.request('DELETE', '/_local/faults');
    }
    expect(await db.coinsOf(sub)).toBe(1900);
    expect(await db.entryOf(sub, TODAY)).toMatchObject({ status: 'REFUNDED' });
    const { body } = await local.get('/_local/executions?limit=20');
    const failed = await local.get(`/_local/executions/${body.items.find((e: any) => e.input.userId === sub).executionId}`);
    expect(failed.body.status).toBe('FAILED');
    expect(failed.body.events.map((e: any) => e.state)).toContain('RefundReservation');
    // Once the fault is gone, the same player enters and pays once.
    expect((await api.post('/tournaments/current/entries')).status).toBe(201);
    expect(await db.coinsOf(sub)).toBe(1400);
  });

  it('never overfills a group under 500 parallel entries, and every coin adds up', async () => {
    const players = [];
    for (let batch = 0; batch < 10; batch++) {
      players.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => eligiblePlayer(`crowd-${batch}-${i}`)))));
    }
    const results = await Promise.all(players.map(({ api }) => api.post('/tournaments/current/entries')));
    expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const groups = await db.groups(TODAY);
    const seated = [...groups.values()].flat();
    for (const [group, members] of groups) expect(members.length, group).toBeLessThanOrEqual(35);
    for (const { sub } of players) expect(seated.filter((id) => id === sub)).toHaveLength(1);
    const coins = await Promise.all(players.map(({ sub }) => db.coinsOf(sub)));
    expect(coins.reduce((a, b) => a + b, 0)).toBe(players.length * 1400);
    // A bound for a busy 2-core machine (500 sagas on one DynamoDB Local), not a speed claim.
  }, 240_000);

  it('closes entry at 12:00 and rolls over to the next day at midnight', async () => {
    const late = await eligiblePlayer('late-riser');
    const noon = await local.post('/_local/clock', { now: `${TODAY}T12:00:00Z` });
    expect(noon.status).toBe(200);
    expect((await late.api.get('/tournaments/current')).body.status).toBe('ENTRY_CLOSED');
    expectProblem(await late.api.post('/tournaments/current/entries'), 409, 'ENTRY_CLOSED');
    expect(await db.coinsOf(late.sub)).toBe(1900);

    // The close job starts the seal workflow at 00:00; it seals once the day's scores are in.
    const midnight = await local.post('/_local/clock', { now: `${testDay(1)}T00:02:00Z` });
    const fired = midnight.body.fired.map((f: any) => f.schedule);
    expect(fired.some((name: string) => /CreateTournament/.test(name))).toBe(true);
    expect(fired.some((name: string) => /CloseTournament/.test(name))).toBe(true);
    // It seals only once every level-up of the day is scored (the drain check): the scores of the
    // 500 players above may still be on their way, so give it a few more minutes of local time.
    for (let minute = 0; minute < 60 && (await db.tournament(TODAY))?.['state'] !== 'CLOSED'; minute++) {
      await new Promise((r) => setTimeout(r, 500));
      await local.post('/_local/clock', { advanceSeconds: 60 });
    }
    expect((await db.tournament(TODAY))?.['state']).toBe('CLOSED');
    const next = await late.api.get('/tournaments/current');
    expect(next.body).toMatchObject({ tournamentId: testDay(1), status: 'OPEN' });
    expect((await late.api.post('/tournaments/current/entries')).status).toBe(201);
  }, 120_000);

  it('answers 404 NO_ACTIVE_TOURNAMENT when the day has no tournament', async () => {
    const { api } = await local.signIn('viewer');
    await db.deleteTournament(testDay(1));
    // The stack caches tournaments for a few seconds per function, as a Lambda container would.
    await local.post('/_local/clock', { advanceSeconds: 60 });
    expectProblem(await api.get('/tournaments/current'), 404, 'NO_ACTIVE_TOURNAMENT');
  });
});
