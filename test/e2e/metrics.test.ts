import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const DAY = TEST_DAY;

interface Series {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  samples: number;
  sum: number;
}

/** The EMF metrics a played day emits, as `GET /_local/metrics` aggregates them. */
describe('GET /_local/metrics', () => {
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T11:50:00Z`]);
    local = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  const series = async (): Promise<Series[]> => (await local.get('/_local/metrics')).body.metrics;
  const total = (all: Series[], name: string, dimensions: Record<string, string> = {}) =>
    all
      .filter((s) => s.name === name && Object.entries(dimensions).every(([k, v]) => s.dimensions[k] === v))
      .reduce((sum, s) => sum + s.sum, 0);
  /** Level-ups and the seal finish asynchronously: wait for their metrics. */
  const eventually = async (until: (all: Series[]) => boolean): Promise<Series[]> => {
    for (let i = 0; i < 150; i++) {
      const all = await series();
      if (until(all)) return all;
      await new Promise((r) => setTimeout(r, 100));
    }
    return series();
  };

  // The clock's jump to midnight runs every minutely schedule in between: allow for it.
  it('an entry, a level-up, a refused request and a seal emit their metrics', { timeout: 180_000 }, async () => {
    const ann = await local.signIn('ann');
    expect((await ann.api.post('/users', { displayName: 'ann' })).status).toBe(201);
    expect((await ann.api.post('/users/me/progress', { levelIncrease: 10 })).status).toBe(200);
    const entered = await ann.api.post('/tournaments/current/entries');
    expect(entered.status).toBe(201);
    expect((await ann.api.post('/users/me/progress', { levelIncrease: 1 })).status).toBe(200);
    // A problem answered by a route: counted by route and code.
    expect((await ann.api.post(`/tournaments/${DAY}/reward`)).status).toBe(409);

    let all = await eventually((s) => total(s, 'LevelUpsScored') >= 1);
    expect(total(all, 'EntriesConfirmed')).toBe(1);
    expect(total(all, 'EntryFeesTaken')).toBe(gameRules.tournament.entryFee);
    expect(total(all, 'LevelUpsScored')).toBe(1);
    expect(total(all, 'LevelUpsSkipped')).toBe(1); // the level-ups before the entry
    expect(all.find((s) => s.name === 'OutboxLag')).toMatchObject({ unit: 'Milliseconds', samples: 2 });
    expect(total(all, 'Problems', { route: 'POST /tournaments/{tournamentId}/reward', code: 'TOURNAMENT_NOT_ENDED' })).toBe(1);
    for (const s of all) expect(s.namespace).toMatch(/^GoodSwipe\//);

    // Past midnight: the close schedule starts the seal of the day.
    expect((await local.post('/_local/clock', { now: `${testDay(1)}T00:05:00Z` })).status).toBe(200);
    all = await eventually((s) => total(s, 'TournamentsSealed') >= 1);
    expect(total(all, 'TournamentsSealed')).toBe(1);
    expect(total(all, 'GroupsSealed')).toBe(1);
    expect(total(all, 'LevelUpsLeftUnscored')).toBe(0);
    expect(all.find((s) => s.name === 'SealDuration')?.sum).toBeGreaterThan(0);
    expect(total(all, 'JobRuns', { job: 'CloseTournament' })).toBeGreaterThanOrEqual(1);
    expect(total(all, 'DaysUnsealedAtDeadline')).toBe(0);

    // Sealed: the reward claim pays coins.
    const claim = await ann.api.post(`/tournaments/${DAY}/reward`);
    expect(claim.status).toBe(200);
    all = await series();
    expect(total(all, 'RewardCoinsPaid')).toBe(claim.body.coinsEarned);
  });

  it('speaks the Prometheus text format with Accept: text/plain', async () => {
    const response = await fetch(`${stack.url}/_local/metrics`, { headers: { accept: 'text/plain' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('# TYPE goodswipe_entries_confirmed_total counter');
    expect(text).toMatch(/goodswipe_entries_confirmed_total\{namespace="GoodSwipe\/[^"]+",service="good-swipe"\} 1/);
    expect(text).toContain('# TYPE goodswipe_outbox_lag_milliseconds summary');
  });
});
