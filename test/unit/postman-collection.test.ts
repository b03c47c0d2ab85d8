import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlRoutes } from '../../infra/local/control-routes.ts';
import { listenLocally } from '../../infra/local/http-io.ts';
import { loadOpenApiDocument } from '../../infra/local/openapi-document.ts';
import type { PostmanCollection, PostmanItem } from '../../infra/local/postman/collection-format.ts';
import { buildPostmanCollection, COLLECTION_FILE, REFERENCE_FOLDER, serializeCollection } from '../../infra/local/postman/collection.ts';
import { FLOW_FOLDER } from '../../infra/local/postman/flow.ts';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.ts';
import { runCollection } from '../support/newman.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** `METHOD /path/{param}` of every operation of the OpenAPI document. */
const documentedOperations = () =>
  Object.entries(loadOpenApiDocument().paths).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Record<string, unknown>)[m] !== undefined).map((m) => `${m.toUpperCase()} ${path}`),
  );

const requestsOf = (items: readonly PostmanItem[]): PostmanItem[] => items.flatMap((item) => (item.item ? requestsOf(item.item) : [item]));

describe('the Postman collection (postman/good-swipe.postman_collection.json)', () => {
  let fresh: PostmanCollection;
  beforeAll(async () => {
    fresh = await buildPostmanCollection();
  });

  it('is what `npm run postman` generates from shared/http/openapi.yaml now', () => {
    const committed = readFileSync(COLLECTION_FILE, 'utf8');
    expect(committed === serializeCollection(fresh), 'the committed collection is stale: run `npm run postman` and commit it').toBe(true);
  });

  it('comes out the same on every generation (no random ids or faked values)', async () => {
    expect(serializeCollection(await buildPostmanCollection())).toBe(serializeCollection(fresh));
    expect(serializeCollection(fresh)).not.toMatch(/"(id|_postman_id)": "(?!6f1d5a3e-9b27-4c8e-a0d4-3e5b7c912f60)/);
  });

  it('has one reference request per operation of the document, each inheriting the bearer auth and testing for a documented 2xx', () => {
    const reference = requestsOf(fresh.item.find((f) => f.name === REFERENCE_FOLDER)?.item ?? []);
    const keyOf = (item: PostmanItem) => `${item.request!.method} /${item.request!.url.path.map((s) => s.replace(/^:(\w+)$/, '{$1}')).join('/')}`;
    expect(reference.map(keyOf).sort()).toEqual(documentedOperations().sort());
    expect(fresh.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] });
    for (const item of reference) {
      expect(item.request!.auth, item.name).toBeUndefined();
      expect(item.event?.[0]?.script.exec.join('\n'), item.name).toMatch(/answers a documented success \(2\d\d(, 2\d\d)*\)/);
      for (const variable of item.request!.url.variable ?? []) expect(variable.value).toBe(`{{${variable.key}}}`);
    }
    expect(fresh.variable?.find((v) => v.key === 'baseUrl')?.value).toBe('http://127.0.0.1:3000');
  });

  it("plays the flow through the contract's routes and the local routes only", () => {
    const flow = requestsOf(fresh.item[0]?.item ?? []);
    expect(fresh.item[0]?.name).toBe(FLOW_FOLDER);
    const routes = compileRoutes([...documentedOperations(), ...Object.keys(controlRoutes)]);
    const matched = flow.map((item) => {
      const path = `/${item.request!.url.path.join('/')}`.replaceAll('{{tournamentId}}', '2026-11-24');
      const match = matchRoute(routes, item.request!.method, path);
      return match.kind === 'matched' ? match.route.routeKey : `${item.name}: no route ${item.request!.method} ${path}`;
    });
    expect(matched).toEqual([
      'POST /_local/sign-in',
      'POST /users',
      'POST /users/me/progress',
      'POST /users/me/progress',
      'GET /tournaments/current',
      'POST /tournaments/current/entries',
      'POST /users/me/progress',
      'GET /tournaments/{tournamentId}/leaderboard',
      'GET /tournaments/{tournamentId}/rank',
      'POST /_local/clock',
      'POST /tournaments/{tournamentId}/reward',
      'GET /users/me/tournaments',
    ]);
  });
});

/**
 * The claim step's retry loop, against a stub that answers as the stack does while a day is being
 * sealed: only a 409 with Retry-After is sent again, and only the attempt that ends the loop asserts.
 */
describe("the flow's retry while the day is sealed (newman against a stub)", () => {
  let sealing: { remaining: number; retryAfter: boolean };
  let sent = 0;
  const reward = { tournamentId: '2026-11-24', rank: 1, coinsEarned: 5000, coins: 6600 };
  const stub = http.createServer((request, response) => {
    sent++;
    if (sealing.remaining-- > 0) {
      response.writeHead(409, { 'content-type': 'application/problem+json', ...(sealing.retryAfter ? { 'retry-after': '30' } : {}) });
      return response.end(JSON.stringify({ status: 409, code: 'TOURNAMENT_NOT_ENDED' }));
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reward));
  });
  let url: string;
  let close: () => Promise<void>;
  let claimOnly: PostmanCollection;

  beforeAll(async () => {
    const listening = await listenLocally(stub, 0);
    url = `http://127.0.0.1:${listening.port}`;
    close = listening.close;
    const collection = await buildPostmanCollection();
    const claim = requestsOf(collection.item).find((item) => item.name === '11 Claim the reward')!;
    const variable = collection.variable!.map((v) => (v.key === 'tournamentId' ? { ...v, value: reward.tournamentId } : v));
    claimOnly = { ...collection, variable, item: [claim] };
  });
  afterAll(() => close?.());

  it('sends the claim again while it is 409 with Retry-After, then passes on the 200', async () => {
    sealing = { remaining: 2, retryAfter: true };
    sent = 0;
    const run = await runCollection(claimOnly, url);
    expect(run.failures, run.failures.join('\n')).toEqual([]);
    expect(run.requests.map((r) => r.status)).toEqual([409, 409, 200]);
    expect(sent).toBe(3);
  });

  it('fails at once on a 409 without Retry-After (the day has not ended: nothing to wait for)', async () => {
    sealing = { remaining: 1, retryAfter: false };
    sent = 0;
    const run = await runCollection(claimOnly, url);
    expect(run.requests.map((r) => r.status)).toEqual([409]);
    expect(run.failures.join('\n')).toMatch(/answers 200/);
  });
});
