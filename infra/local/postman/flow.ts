import type { PostmanItem, PostmanRequest, PostmanScriptEvent } from './collection-format.ts';

/**
 * The collection's first folder: one tournament day on the local stack, request after request,
 * each with Postman test scripts that check the answer and hand what the next request needs on
 * through collection variables (the token, the tournament, the group). Run it with Postman's
 * collection runner or newman; each request can also be sent by hand, in order.
 *
 * The scripts are plain text in the collection, so they are written here as text too (not as
 * functions turned into text, whose output would change with the TypeScript transpiler).
 */
export const FLOW_FOLDER = 'Tournament day on the local stack';

/** How often a request waiting for the stack is sent again, and how long apart. */
const RETRY = { maxAttempts: 60, pauseMs: 1000 } as const;

const json = (value: unknown) => JSON.stringify(value, null, 2);

interface Step {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: readonly string[];
  readonly description: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** `/_local/*` routes take no token. */
  readonly noAuth?: boolean;
  readonly prerequest?: readonly string[];
  readonly test: readonly string[];
}

const script = (listen: PostmanScriptEvent['listen'], lines: readonly string[]): PostmanScriptEvent => ({
  listen,
  script: { type: 'text/javascript', exec: [...lines] },
});

/**
 * Test lines that send the same request again (`pm.execution.setNextRequest`, so in a collection
 * run) while `condition` holds, at most RETRY.maxAttempts times, and check `assertions` once it
 * no longer holds. An attempt that will be retried asserts nothing, so only the last one counts.
 */
function retryWhile(condition: string, assertions: readonly string[]): string[] {
  return [
    "const attempt = Number(pm.collectionVariables.get('retryCount') || 0);",
    `if ((${condition}) && attempt < ${RETRY.maxAttempts}) {`,
    "  pm.collectionVariables.set('retryCount', attempt + 1);",
    '  pm.execution.setNextRequest(pm.info.requestName);',
    '} else {',
    "  pm.collectionVariables.set('retryCount', 0);",
    ...assertions.map((line) => `  ${line}`),
    '}',
  ];
}

/** Pre-request lines: a pause before a retry (scripts run until their timers are done). */
const pauseBeforeRetry = [
  `if (Number(pm.collectionVariables.get('retryCount') || 0) > 0) setTimeout(() => {}, ${RETRY.pauseMs});`,
];

const expectStatus = (...codes: number[]) =>
  codes.length === 1
    ? `pm.test('answers ${codes[0]}', () => pm.response.to.have.status(${codes[0]}));`
    : `pm.test('answers ${codes.join(' or ')}', () => pm.expect(pm.response.code).to.be.oneOf([${codes.join(', ')}]));`;

const steps: readonly Step[] = [
  {
    name: '01 Sign in (local token issuer)',
    method: 'POST',
    path: ['_local', 'sign-in'],
    noAuth: true,
    description:
      'The local stack is its own token issuer: the same `username` always gets the same `sub` (the player id). ' +
      'Stores the token in `bearerToken`, which every other request of the collection sends as `Authorization: Bearer`. ' +
      'On AWS, put a Cognito access token in `bearerToken` instead (see the README).',
    body: { username: '{{username}}' },
    test: [
      expectStatus(200),
      'const signedIn = pm.response.json();',
      "pm.test('gives a token and the player id', () => {",
      "  pm.expect(signedIn.token).to.be.a('string').and.not.empty;",
      "  pm.expect(signedIn.sub).to.be.a('string').and.not.empty;",
      '});',
      "pm.collectionVariables.set('bearerToken', signedIn.token);",
      "pm.collectionVariables.set('userId', signedIn.sub);",
    ],
  },
  {
    name: '02 Create the profile',
    method: 'POST',
    path: ['users'],
    description: '`201` with a new profile (level 1, 1000 coins), or `200` with the existing one when this player already has one.',
    body: { displayName: '{{username}}' },
    test: [
      expectStatus(201, 200),
      "pm.test('is the signed-in player', () => pm.expect(pm.response.json().userId).to.eql(pm.collectionVariables.get('userId')));",
    ],
  },
  {
    name: '03 Record progress (Idempotency-Key)',
    method: 'POST',
    path: ['users', 'me', 'progress'],
    description:
      '9 levels: 900 coins, and level 10 at least, which entry needs. The pre-request script draws a fresh ' +
      '`Idempotency-Key` (`progressKey`); the next request sends the same one again.',
    headers: { 'Idempotency-Key': '{{progressKey}}' },
    body: { levelIncrease: 9 },
    prerequest: ["pm.collectionVariables.set('progressKey', pm.variables.replaceIn('{{$guid}}'));"],
    test: [
      expectStatus(200),
      'const progress = pm.response.json();',
      "pm.test('earns 100 coins a level', () => pm.expect(progress.coinsEarned).to.eql(900));",
      "pm.test('reaches level 10 or more', () => pm.expect(progress.level).to.be.at.least(10));",
      "pm.collectionVariables.set('progressAnswer', pm.response.text());",
    ],
  },
  {
    name: '04 Replay the progress (same key, same answer)',
    method: 'POST',
    path: ['users', 'me', 'progress'],
    description: 'A retry with the same key and body returns the first answer and changes nothing: no second 900 coins.',
    headers: { 'Idempotency-Key': '{{progressKey}}' },
    body: { levelIncrease: 9 },
    test: [
      expectStatus(200),
      "pm.test('replays the first answer', () => pm.expect(pm.response.json()).to.eql(JSON.parse(pm.collectionVariables.get('progressAnswer'))));",
    ],
  },
  {
    name: "05 Get today's tournament",
    method: 'GET',
    path: ['tournaments', 'current'],
    description: 'Stores `tournamentId` (the UTC date) and when the day ends, for the clock move and the claim.',
    test: [
      expectStatus(200),
      'const tournament = pm.response.json();',
      "pm.test('is open for entries', () => pm.expect(tournament.status).to.eql('OPEN'));",
      "pm.collectionVariables.set('tournamentId', tournament.tournamentId);",
      "pm.collectionVariables.set('dayEndsAt', tournament.endsAt);",
    ],
  },
  {
    name: '06 Enter the tournament (entry saga)',
    method: 'POST',
    path: ['tournaments', 'current', 'entries'],
    description:
      '500 coins and a seat in a group of at most 35: `201`, or `200` with the same entry when already entered. ' +
      'A `503` with `Retry-After` (the saga did not answer in time; nothing is charged twice) is sent again.',
    prerequest: pauseBeforeRetry,
    test: retryWhile("pm.response.code === 503 && pm.response.headers.has('Retry-After')", [
      expectStatus(201, 200),
      'const entry = pm.response.json();',
      "pm.test('is a seat in a group of today', () => {",
      "  pm.expect(entry.tournamentId).to.eql(pm.collectionVariables.get('tournamentId'));",
      "  pm.expect(entry.groupId).to.be.a('string').and.not.empty;",
      '});',
      "pm.collectionVariables.set('groupId', entry.groupId);",
    ]),
  },
  {
    name: '07 Level up in the tournament (scores)',
    method: 'POST',
    path: ['users', 'me', 'progress'],
    description: 'Two levels after entry score 10 x each level reached (from 10: 110 + 120 = 230), asynchronously.',
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: { levelIncrease: 2 },
    test: [expectStatus(200), "pm.test('earns 200 coins', () => pm.expect(pm.response.json().coinsEarned).to.eql(200));"],
  },
  {
    name: '08 Read the group leaderboard',
    method: 'GET',
    path: ['tournaments', 'current', 'leaderboard'],
    description: `Scores arrive within seconds (stream, bus, queue): sent again every ${RETRY.pauseMs / 1000} s until the level-up is scored.`,
    prerequest: pauseBeforeRetry,
    test: [
      "const me = pm.response.code === 200 ? pm.response.json().entries.find((e) => e.userId === pm.collectionVariables.get('userId')) : undefined;",
      ...retryWhile('pm.response.code === 200 && (!me || me.score === 0)', [
        expectStatus(200),
        "pm.test('is my group', () => pm.expect(pm.response.json().groupId).to.eql(pm.collectionVariables.get('groupId')));",
        "pm.test('shows my score', () => pm.expect(me && me.score).to.be.above(0));",
      ]),
    ],
  },
  {
    name: '09 Read my rank in the group',
    method: 'GET',
    path: ['tournaments', 'current', 'rank'],
    description: 'The rank the reward is paid for once the day is sealed.',
    test: [
      expectStatus(200),
      'const standing = pm.response.json();',
      "pm.test('ranks me with my score', () => {",
      '  pm.expect(standing.rank).to.be.at.least(1);',
      '  pm.expect(standing.score).to.be.above(0);',
      '  pm.expect(standing.groupSize).to.be.at.least(standing.rank);',
      '});',
    ],
  },
  {
    name: '10 Move the local clock to the next day',
    method: 'POST',
    path: ['_local', 'clock'],
    noAuth: true,
    description:
      "Local only: moves the stack's clock to 00:02 of the next day (`nextDay`, computed by the pre-request script). " +
      "Before it answers, every schedule passed runs: today's close (which seals the day) and tomorrow's create.",
    body: { now: '{{nextDay}}' },
    prerequest: [
      "const endsAt = Date.parse(pm.collectionVariables.get('dayEndsAt'));",
      '// The day ends at 23:59:59.999: 1 ms later is midnight, and 2 minutes after it the 60 s grace is over.',
      "pm.collectionVariables.set('nextDay', new Date(endsAt + 1 + 2 * 60 * 1000).toISOString());",
    ],
    test: [
      expectStatus(200),
      "pm.test('ran the close schedule', () => pm.expect(pm.response.json().fired.map((f) => f.schedule).some((s) => s.endsWith('-CloseTournament'))).to.be.true);",
    ],
  },
  {
    name: '11 Claim the reward',
    method: 'POST',
    path: ['tournaments', '{{tournamentId}}', 'reward'],
    description:
      '`409 TOURNAMENT_NOT_ENDED` with `Retry-After` while the ended day is being sealed: sent again every ' +
      `${RETRY.pauseMs / 1000} s (sooner than Retry-After says; the local seal takes seconds), then \`200\` with the reward by final rank.`,
    prerequest: pauseBeforeRetry,
    test: retryWhile("pm.response.code === 409 && pm.response.headers.has('Retry-After')", [
      expectStatus(200),
      'const reward = pm.response.json();',
      "pm.test('pays the final rank', () => {",
      "  pm.expect(reward.tournamentId).to.eql(pm.collectionVariables.get('tournamentId'));",
      '  pm.expect(reward.rank).to.be.at.least(1);',
      '  pm.expect(reward.coinsEarned).to.be.at.least(0);',
      '  pm.expect(reward.coins).to.be.at.least(reward.coinsEarned);',
      '});',
    ]),
  },
  {
    name: '12 Read my tournament history',
    method: 'GET',
    path: ['users', 'me', 'tournaments'],
    description: 'The day just played, with its rank, reward and `claimed: true`.',
    test: [
      expectStatus(200),
      "const played = pm.response.json().items.find((t) => t.tournamentId === pm.collectionVariables.get('tournamentId'));",
      "pm.test('lists the claimed day', () => pm.expect(played && played.claimed).to.be.true);",
    ],
  },
];

function request(step: Step): PostmanRequest {
  const header = Object.entries(step.headers ?? {}).map(([key, value]) => ({ key, value }));
  return {
    method: step.method,
    url: { raw: `{{baseUrl}}/${step.path.join('/')}`, host: ['{{baseUrl}}'], path: [...step.path] },
    header: step.body === undefined ? header : [{ key: 'Content-Type', value: 'application/json' }, ...header],
    ...(step.body === undefined ? {} : { body: { mode: 'raw', raw: json(step.body), options: { raw: { language: 'json' } } } }),
    ...(step.noAuth ? { auth: { type: 'noauth' } } : {}),
    description: step.description,
  };
}

/** The flow folder, its requests in the order they must run. */
export function flowFolder(): PostmanItem {
  return {
    name: FLOW_FOLDER,
    description:
      'Run this folder (Postman: Run folder; or `newman run --folder`) against a local stack started in the ' +
      'morning of a day (`npm start -- --clock 2026-11-24T08:00:00Z`), since entries close at 12:00 UTC. It signs ' +
      'in, creates the profile, levels up, enters today\'s tournament, reads the group board and rank, moves the ' +
      'local clock to the next day and claims the reward. Every request also works on its own, in this order.',
    item: steps.map((step) => ({
      name: step.name,
      request: request(step),
      response: [],
      event: [...(step.prerequest ? [script('prerequest', step.prerequest)] : []), script('test', step.test)],
    })),
  };
}
