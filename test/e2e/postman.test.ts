import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostmanCollection, PostmanItem } from '../../infra/local/postman/collection-format.ts';
import { COLLECTION_FILE, REFERENCE_FOLDER } from '../../infra/local/postman/collection.ts';
import { FLOW_FOLDER } from '../../infra/local/postman/flow.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { runCollection, type CollectionRun } from '../support/newman.ts';
import { TEST_DAY, testDay } from '../support/test-days.ts';

const TODAY = TEST_DAY;

/** The committed file, as a Postman user imports it. */
const collection = JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as PostmanCollection;

const requestNames = (items: readonly PostmanItem[]): string[] => items.flatMap((item) => (item.item ? requestNames(item.item) : [item.name]));
const folder = (name: string) => collection.item.find((item) => item.name === name)?.item ?? [];

/**
 * The committed Postman collection, run with newman against a fresh stack started in the morning:
 * the flow plays the day (sign-in to reward through the clock route), then every reference request
 * runs with what the flow stored. Its own test scripts must all pass.
 */
describe('the Postman collection (newman, local stack)', () => {
  let stack: StackProcess;
  let run: CollectionRun;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TODAY}T08:00:00Z`]);
    run = await runCollection(collection, stack.url);
  });
  afterAll(() => stack?.stop());

  it('passes every test script of the collection, with no request or script error', () => {
    expect(run.failures, run.failures.join('\n')).toEqual([]);
    const { assertions, requests, testScripts, prerequestScripts } = run.summary.run.stats;
    expect(assertions.failed).toBe(0);
    expect(assertions.total).toBeGreaterThan(30);
    expect(requests.failed).toBe(0);
    expect(testScripts.failed).toBe(0);
    expect(prerequestScripts.failed).toBe(0);
  });

  it('sends every request of the flow in order, then every reference request, each answered', () => {
    const sent = run.requests.map((r) => r.name);
    // A retried request (entry, board, claim) is sent more than once in a row: compare without repeats.
    const distinct = sent.filter((name, i) => name !== sent[i - 1]);
    expect(distinct).toEqual([...requestNames(folder(FLOW_FOLDER)), ...requestNames(folder(REFERENCE_FOLDER))]);
    for (const request of run.requests) expect(request.status, request.name).toBeTypeOf('number');
  });

  it('plays the day a fresh stack gives: a new player, one entry, scored, first in the group, paid', () => {
    const last = (name: string) => {
      const found = run.requests.filter((r) => r.name === name).at(-1);
      expect(found, name).toBeDefined();
      return { status: found!.status, body: JSON.parse(found!.body ?? 'null') };
    };
    expect(last('02 Create the profile')).toMatchObject({ status: 201, body: { level: 1, coins: 1000 } });
    expect(last('06 Enter the tournament (entry saga)')).toMatchObject({ status: 201, body: { tournamentId: TODAY } });
    expect(last('08 Read the group leaderboard').body.entries).toEqual([expect.objectContaining({ rank: 1, score: 230 })]);
    expect(last('10 Move the local clock to the next day').body.now).toMatch(new RegExp(`^${testDay(1)}T00:0[2-9]:`)) // moved to 00:02, then runs on;
    // The last claim attempt is the one that counted (earlier ones, if any, were 409 with Retry-After).
    expect(last('11 Claim the reward')).toMatchObject({ status: 200, body: { tournamentId: TODAY, rank: 1, coinsEarned: 5000 } });
    for (const attempt of run.requests.filter((r) => r.name === '11 Claim the reward').slice(0, -1)) expect(attempt.status).toBe(409);
  });
});
