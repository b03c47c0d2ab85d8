import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tournamentSealedEvent } from '../../events/tournament-sealed.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const DAY = TEST_DAY;
const NEXT_DAY = testDay(1);

/** TournamentSealed on the local bus: published by the seal's last step, seen at GET /_local/events. */
describe('domain events: TournamentSealed when a day is sealed', () => {
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${DAY}T08:00:00Z`]);
    local = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  /** A player at the entry level, entered into today's tournament. */
  const enter = async (username: string, create = true) => {
    const session = await local.signIn(username);
    if (create) {
      expect((await session.api.post('/users', { displayName: username })).status).toBe(201);
      await session.api.post('/users/me/progress', { levelIncrease: gameRules.tournament.minLevel - 1 });
    }
    expect((await session.api.post('/tournaments/current/entries')).status).toBe(201);
    return session;
  };

  /** The TournamentSealed events of a day on the bus, oldest first, once `count` are there. */
  const sealedEventsOf = async (day: string, count: number) => {
    const read = async () => {
      const { body } = await local.get('/_local/events?detailType=TournamentSealed');
      return (body.items as { eventBusName: string; event: unknown }[])
        .map((item) => ({ bus: item.eventBusName, event: tournamentSealedEvent.parse(item.event) }))
        .filter((item) => item.event.detail.tournamentId === day)
        .reverse();
    };
    for (let i = 0; i < 150; i++) {
      const events = await read();
      if (events.length >= count) return events;
      await new Promise((r) => setTimeout(r, 100));
    }
    return read();
  };

  const sealExecution = async (day: string) => {
    const { body } = await local.get('/_local/executions?limit=1000');
    return body.items.find((e: { name: string }) => e.name === `seal-${day}`);
  };

  it('puts one TournamentSealed with the day\'s counts on the good-swipe-local bus, after the day is CLOSED', async () => {
    const health = await local.get('/_local/health');
    expect(health.body.eventBridgeEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(health.body.eventBridgeEndpoint).not.toBe(stack.url);
    // The public port does not serve it: there a PutEvents call is an ordinary request, refused without a token.
    const headers = { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' };
    const body = JSON.stringify({ Entries: [{ Source: 'goodswipe.tournaments', DetailType: 'TournamentSealed', Detail: '{}' }] });
    expect((await local.request('POST', '/', { rawBody: body, headers })).status).toBe(401);
    for (const name of ['ann', 'ben', 'cat']) await enter(name);

    await local.post('/_local/clock', { now: `${NEXT_DAY}T00:02:00Z` });
    const [sealed, ...more] = await sealedEventsOf(DAY, 1);
    expect(more).toEqual([]);
    expect(sealed!.bus).toBe('good-swipe-local');
    expect(sealed!.event).toMatchObject({ source: 'goodswipe.tournaments', 'detail-type': 'TournamentSealed' });
    expect(sealed!.event.detail).toEqual({
      eventId: `sealed:${DAY}`,
      tournamentId: DAY,
      sealedAt: expect.stringMatching(new RegExp(`^${NEXT_DAY}T00:0`)),
      groups: 1,
      entrants: 3,
      rewards: { totalCoins: 5000 + 3000 + 2000, table: gameRules.tournament.rewards },
      levelUpsLeftUnscored: 0,
    });
    // The day is CLOSED: a claim pays (seal.test.ts checks the event is put only after the close).
    const ann = await local.signIn('ann');
    expect((await ann.api.post(`/tournaments/${DAY}/reward`)).status).toBe(200);
    expect(await sealExecution(DAY)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('a FinishSeal retried after it published publishes the same event again: same id, same counts', async () => {
    for (const name of ['ann', 'ben']) await enter(name, false);
    // The step fails after the bus accepted the event (its answer lost); Step Functions retries it.
    expect((await local.post('/_local/faults', { point: 'FinishSeal.afterPublish', action: 'error', times: 1 })).status).toBe(201);

    await local.post('/_local/clock', { now: `${testDay(2)}T00:02:00Z` });
    const events = await sealedEventsOf(NEXT_DAY, 2);
    expect(events).toHaveLength(2);
    const [first, second] = events;
    // What a consumer dedupes on is the same; only EventBridge's own envelope id differs.
    expect(second!.event.detail).toEqual(first!.event.detail);
    expect(first!.event.detail).toMatchObject({ eventId: `sealed:${NEXT_DAY}`, groups: 1, entrants: 2, rewards: { totalCoins: 8000 } });
    expect(second!.event.id).not.toBe(first!.event.id);

    // The retry really happened: FinishSeal failed once (TransientError), then the execution succeeded.
    const execution = await sealExecution(NEXT_DAY);
    expect(execution).toMatchObject({ status: 'SUCCEEDED' });
    const { body: history } = await local.get(`/_local/executions/${execution.executionId}/history`);
    const failures = history.items.filter((e: { type: string }) => e.type === 'LambdaFunctionFailed');
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('TransientError');
    // Still exactly one event for the first day.
    expect(await sealedEventsOf(DAY, 1)).toHaveLength(1);
  });
});
