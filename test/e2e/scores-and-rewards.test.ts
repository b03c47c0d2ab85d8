import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const TODAY = TEST_DAY;

/** A whole tournament day through HTTP: enter, level up, watch the boards, claim the next day. */
describe('scores, leaderboards and rewards over HTTP', () => {
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TODAY}T08:00:00Z`]);
    local = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  const expectProblem = (response: { status: number; body: any }, status: number, code: string) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.code).toBe(code);
  };

  /** A player at `level` (1000 coins + 100 per level gained), optionally entered. */
  const player = async (username: string, level: number, enter: boolean) => {
    const session = await local.signIn(username);
    expect((await session.api.post('/users', { displayName: username })).status).toBe(201);
    if (level > 1) await session.api.post('/users/me/progress', { levelIncrease: level - 1 });
    if (enter) expect((await session.api.post('/tournaments/current/entries')).status).toBe(201);
    return session;
  };

  /** Scores arrive asynchronously (stream -> pipe -> bus -> queue -> consumer): wait for them. */
  const eventually = async <T>(read: () => Promise<T>, until: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (until(value)) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    return read();
  };

  let ann: Awaited<ReturnType<typeof player>>;
  let ben: Awaited<ReturnType<typeof player>>;
  let cat: Awaited<ReturnType<typeof player>>;

  it('scores 10 x each level reached after entry: 14 -> 16 is 150 + 160', async () => {
    ann = await player('ann', 14, true);
    ben = await player('ben', 10, true);
    cat = await player('cat', 10, true);
    await ann.api.post('/users/me/progress', { levelIncrease: 2 });
    const board = await eventually(
      () => ann.api.get('/tournaments/current/leaderboard'),
      (r) => r.body.entries?.[0]?.score === 310,
    );
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ tournamentId: TODAY, groupId: expect.any(String) });
    expect(board.body.entries.map((e: any) => [e.rank, e.displayName, e.score])).toEqual([
      [1, 'ann', 310],
      [2, 'ben', 0],
      [3, 'cat', 0],
    ]);
  });

  it('breaks equal scores by who reached the score first', async () => {
    await cat.api.post('/users/me/progress', { levelIncrease: 1 }); // 110, first
    await new Promise((r) => setTimeout(r, 1100)); // a later second
    await ben.api.post('/users/me/progress', { levelIncrease: 1 }); // 110, later
    const board = await eventually(
      () => ben.api.get(`/tournaments/${TODAY}/leaderboard`),
      (r) => r.body.entries?.filter((e: any) => e.score === 110).length === 2,
    );
    expect(board.body.entries.map((e: any) => e.displayName)).toEqual(['ann', 'cat', 'ben']);
    expect((await ben.api.get('/tournaments/current/rank')).body).toEqual({ rank: 3, score: 110, groupSize: 3 });
  });

  it('answers the contract errors of the tournament routes', async () => {
    const outsider = await player('outsider', 10, false);
    expectProblem(await outsider.api.get('/tournaments/current/leaderboard'), 404, 'NOT_PARTICIPATING');
    expectProblem(await outsider.api.get('/tournaments/current/rank'), 404, 'NOT_PARTICIPATING');
    expectProblem(await outsider.api.post('/tournaments/current/reward'), 404, 'NOT_PARTICIPATING');
    expectProblem(await ann.api.get('/tournaments/2020-01-01/leaderboard'), 404, 'TOURNAMENT_NOT_FOUND');
    expectProblem(await ann.api.get('/tournaments/yesterday/rank'), 400, 'VALIDATION_ERROR');
    expectProblem(await ann.api.post('/tournaments/current/reward'), 409, 'TOURNAMENT_NOT_ENDED');
  });

  it('ranks everyone by level on the global board, with stable cursor paging', async () => {
    const me = await eventually(() => ann.api.get('/leaderboards/global/me'), (r) => r.body.level === 16);
    expect(me.body).toEqual({ rank: 1, level: 16 });
    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await ann.api.get(`/leaderboards/global?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.rank)).toEqual(seen.map((_, i) => i + 1));
    expect(new Set(seen.map((e) => e.userId)).size).toBe(seen.length);
    expect(seen[0]).toMatchObject({ rank: 1, displayName: 'ann', level: 16 });
    expectProblem(await ann.api.get('/leaderboards/global?limit=0'), 400, 'VALIDATION_ERROR');
    expectProblem(await ann.api.get('/leaderboards/global?limit=1001'), 400, 'VALIDATION_ERROR');
    expectProblem(await ann.api.get('/leaderboards/global?cursor=not-a-cursor'), 400, 'VALIDATION_ERROR');
  });

  it('seals the day after midnight, then pays each rank once, even to racing claims', async () => {
    const midnight = await local.post('/_local/clock', { now: `${testDay(1)}T00:02:00Z` });
    expect(midnight.body.fired.map((f: any) => f.schedule)).toContain('good-swipe-local-CloseTournament');
    const coinsBefore = (await ann.api.get('/users/me')).body.coins;
    const claims = await Promise.all(Array.from({ length: 5 }, () => ann.api.post(`/tournaments/${TODAY}/reward`)));
    for (const claim of claims) {
      expect(claim.status).toBe(200);
      expect(claim.body).toEqual({ tournamentId: TODAY, rank: 1, coinsEarned: 5000, coins: coinsBefore + 5000 });
    }
    expect((await ann.api.get('/users/me')).body.coins).toBe(coinsBefore + 5000);
    const paid = await Promise.all([cat, ben].map(async (p) => (await p.api.post(`/tournaments/${TODAY}/reward`)).body.coinsEarned));
    // The group's rewards add up to the table for three players.
    expect(5000 + paid.reduce((a, b) => a + b, 0)).toBe(5000 + 3000 + 2000);
    const history = await ann.api.get('/users/me/tournaments');
    expect(history.body.items).toEqual([{ tournamentId: TODAY, groupId: expect.any(String), score: 310, rank: 1, coinsEarned: 5000, claimed: true }]);
  });
});
