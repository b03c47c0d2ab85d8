import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog, type ErrorCode } from '../../shared/http/problem.ts';
import { ApiClient } from '../support/api-client.ts';
import {
  apiRequest,
  operationsOf,
  serialize,
  wireRequests,
  type GeneratedRequest,
  type WireRequest,
} from '../support/hostile-requests.ts';
import { REPO_ROOT, spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { rawExchange, type RawExchange, type RawResponse } from '../support/raw-http.ts';
import { TEST_DAY } from '../support/test-days.ts';

/**
 * A seeded, bounded fuzz of the local stack over raw sockets: requests generated from the
 * OpenAPI document with hostile variants of every part, and requests that break HTTP itself.
 * Every answer is < 500, every error is problem+json without internals, the process lives on,
 * and what was refused changed nothing (the player's coins and level are exactly what the
 * accepted requests say, a bystander is untouched). `FUZZ_SEED=n` replays another run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261124);
const API_REQUESTS = 2400;
const WIRE_REQUESTS = 400;
const CONCURRENCY = 6;
const ENTRY_FEE = 500;

/** Text that would only be in a body by mistake: stack frames, source paths, engine messages. */
const INTERNALS = [/\bat \S+ \(/, /node_modules/, /\.ts:\d+/, new RegExp(REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), /TypeError|SyntaxError|ReferenceError|ECONN|HPE_/];

type Violation = { readonly request: string; readonly problem: string };

/** What is wrong with one answer, if anything. */
function checkResponse(response: RawResponse, head: boolean): string | undefined {
  if (!(response.status >= 100 && response.status < 500)) return `status ${response.status}`;
  if (response.status < 400) return undefined;
  const type = response.headers['content-type'];
  if (type !== 'application/problem+json') return `error ${response.status} as ${type ?? 'no content type'}`;
  if (head) return undefined; // a HEAD answer has no body to read
  let problem: { status?: unknown; code?: unknown };
  try {
    problem = JSON.parse(response.body) as typeof problem;
  } catch {
    return `error ${response.status} with a body that is not JSON`;
  }
  const entry = errorCatalog[problem.code as ErrorCode];
  if (!entry || entry.status !== response.status || problem.status !== response.status) return `problem ${String(problem.code)} as ${response.status}`;
  const leak = INTERNALS.find((pattern) => pattern.test(response.body));
  return leak ? `internal detail (${leak}) in ${response.body.slice(0, 200)}` : undefined;
}

function checkExchange(exchange: RawExchange, expected: number, head: boolean): string | undefined {
  if (exchange.responses.length < expected) return `${exchange.responses.length} of ${expected} answers (connection ${exchange.ending})`;
  for (const response of exchange.responses) {
    const problem = checkResponse(response, head);
    if (problem) return problem;
  }
  return undefined;
}

/** Runs `work` over `items`, `CONCURRENCY` at a time. */
async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe('hostile requests (seeded fuzz over raw sockets)', () => {
  let stack: StackProcess;
  let port: number;
  let player: { api: ApiClient; sub: string; token: string };
  let bystander: { api: ApiClient; sub: string };

  beforeAll(async () => {
    // Entry is open (08:00 UTC), so an accepted entry can happen and is counted.
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TEST_DAY}T08:00:00Z`]);
    port = Number(new URL(stack.url).port);
    const anonymous = new ApiClient(stack.url);
    player = await anonymous.signIn('fuzzer');
    bystander = await anonymous.signIn('bystander');
    for (const { api } of [player, bystander]) expect((await api.post('/users', { displayName: 'Fuzz' })).status).toBe(201);
    expect((await player.api.post('/users/me/progress', { levelIncrease: 9 })).status).toBe(200);
  });
  afterAll(() => stack?.stop());

  it(`answers ${API_REQUESTS} generated and ${WIRE_REQUESTS} wire-level requests below 500, as problem+json, changing only what it accepted`, async () => {
    const before = (await player.api.get('/users/me')).body as { level: number; coins: number };
    const bystanderBefore = (await bystander.api.get('/users/me')).body as unknown;
    const operations = operationsOf();
    const api = fc.sample(apiRequest(operations, player.token, [player.sub, bystander.sub]), { seed: SEED, numRuns: API_REQUESTS });
    const wire = fc.sample(wireRequests(player.token), { seed: SEED, numRuns: WIRE_REQUESTS });

    const violations: Violation[] = [];
    // The ledger: what the accepted requests say they did to the player's coins and level.
    let coinDelta = 0;
    let level = before.level;
    const claimed = new Set<string>();
    const account = (request: GeneratedRequest, response: RawResponse) => {
      if (response.status >= 300 || request.method !== 'POST') return;
      const body = JSON.parse(response.body) as { coinsEarned?: number; level?: number; tournamentId?: string };
      if (request.operation === 'POST /users/me/progress' && response.headers['idempotent-replayed'] !== 'true') {
        coinDelta += body.coinsEarned ?? 0;
        level = Math.max(level, body.level ?? level);
      }
      if (request.operation === 'POST /tournaments/current/entries' && response.status === 201) coinDelta -= ENTRY_FEE;
      if (request.operation === 'POST /tournaments/{tournamentId}/reward' && !claimed.has(String(body.tournamentId))) {
        claimed.add(String(body.tournamentId));
        coinDelta += body.coinsEarned ?? 0;
      }
    };

    await pool(api, async (request) => {
      const exchange = await rawExchange(port, serialize(request), { expectBodies: request.method !== 'HEAD', timeoutMs: 5000 });
      const problem = checkExchange(exchange, 1, request.method === 'HEAD');
      const name = `${request.method} ${request.target.slice(0, 120)} ${(request.body ?? '').slice(0, 80)}`;
      if (problem) violations.push({ request: name, problem });
      else account(request, exchange.responses[0]!);
    });
    await pool(wire, async (request: WireRequest) => {
      const exchange = await rawExchange(port, request.bytes, { expected: request.expected, halfClose: request.halfClose, timeoutMs: 5000 });
      const problem = checkExchange(exchange, request.expected, request.bytes.subarray(0, 5).toString() === 'HEAD ');
      if (problem) violations.push({ request: `wire: ${request.name}`, problem });
    });

    expect(violations, `seed ${SEED}: ${violations.length} bad answers`).toEqual([]);
    expect(stack.child.exitCode, stack.output()).toBeNull();
    expect((await new ApiClient(stack.url).get('/_local/health')).status).toBe(200);
    const after = (await player.api.get('/users/me')).body as { level: number; coins: number };
    expect({ level: after.level, coins: after.coins }).toEqual({ level, coins: before.coins + coinDelta });
    expect((await bystander.api.get('/users/me')).body).toEqual(bystanderBefore);
  });

  it('serves the Step Functions API on its own endpoint only; on the public port an X-Amz-Target request is just a request', async () => {
    const local = new ApiClient(stack.url);
    const health = await local.get('/_local/health');
    const endpoint = String(health.body.stepFunctionsEndpoint);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toBe(stack.url);
    expect(stack.output()).toContain(endpoint);

    // The entry saga's executions (a rebuild the WatchLeaderboards job starts is not a request's doing).
    const executions = async () =>
      (await local.get('/_local/executions?limit=1000')).body.items.filter((e: { stateMachineArn: string }) => e.stateMachineArn.includes('EntrySaga')).length as number;
    const before = await executions();
    const saga = { 'x-amz-target': 'AWSStepFunctions.StartSyncExecution', 'content-type': 'application/x-amz-json-1.0' };
    const input = JSON.stringify({ stateMachineArn: 'any', input: JSON.stringify({ userId: bystander.sub, requestedAt: `${TEST_DAY}T01:00:00Z` }) });
    const anonymous = await local.request('POST', '/users/me', { rawBody: input, headers: saga });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    // With a token it is the route's own answer: POST /users/me is no route (GET is): 405.
    expect((await player.api.request('POST', '/users/me', { rawBody: input, headers: saga })).status).toBe(405);
    expect(await executions()).toBe(before);

    // The endpoint itself speaks the AWS JSON protocol (errors as `__type`), as the SDK expects.
    const describeExecution = await fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSStepFunctions.DescribeExecution', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:none:none' }),
    });
    expect(describeExecution.status).toBe(400);
    expect(await describeExecution.json()).toMatchObject({ __type: 'ExecutionDoesNotExist' });
    expect(await (await fetch(`${endpoint}/users/me`)).json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
