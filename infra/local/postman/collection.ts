import { loadOpenApiDocument } from '../openapi-document.ts';
import type { PostmanCollection, PostmanItem, PostmanVariable } from './collection-format.ts';
import { convertOpenApiToPostman } from './convert.ts';
import { FLOW_FOLDER, flowFolder } from './flow.ts';

/** The committed collection (`npm run postman` writes it; test/unit/postman-collection.test.ts compares). */
export const COLLECTION_FILE = new URL('../../../postman/good-swipe.postman_collection.json', import.meta.url);

/** The local stack's default address (`npm start`), what a Postman user runs the flow against. */
export const LOCAL_BASE_URL = 'http://127.0.0.1:3000';

/**
 * A fixed collection id, in place of the converter's random one: re-importing the regenerated file
 * into Postman then replaces the collection instead of adding a copy.
 */
const COLLECTION_ID = '6f1d5a3e-9b27-4c8e-a0d4-3e5b7c912f60';

export const REFERENCE_FOLDER = 'Every operation (reference)';

/** The collection variables, documented where Postman shows them (the Variables tab). */
const VARIABLES: readonly PostmanVariable[] = [
  { key: 'baseUrl', value: LOCAL_BASE_URL, description: 'The API: the local stack (`npm start`, default port 3000), or on AWS the stack output `ApiUrl` without its trailing slash.' },
  { key: 'username', value: 'postman-player', description: 'Who the flow signs in as through `POST /_local/sign-in` (1-64 letters, digits or ._@+-); also the display name.' },
  { key: 'bearerToken', value: '', description: 'The JWT every API request sends (collection auth: Bearer). Set by "01 Sign in"; on AWS paste a Cognito access token.' },
  { key: 'userId', value: '', description: "The signed-in player's id (the token's `sub`). Set by \"01 Sign in\"." },
  { key: 'tournamentId', value: '', description: 'The tournament the flow plays (its UTC date). Set by "05 Get today\'s tournament".' },
  { key: 'groupId', value: '', description: 'The group the entry seated the player in. Set by "06 Enter".' },
  { key: 'dayEndsAt', value: '', description: "When the tournament's day ends. Set by \"05 Get today's tournament\"." },
  { key: 'nextDay', value: '', description: 'Where "10 Move the local clock" moves the clock to: 00:02 of the day after `dayEndsAt`.' },
  { key: 'progressKey', value: '', description: 'The Idempotency-Key of "03 Record progress", sent again by "04 Replay".' },
  { key: 'progressAnswer', value: '', description: 'The first answer of "03 Record progress", which "04 Replay" must get again.' },
  { key: 'retryCount', value: '0', description: 'How often the request being retried was sent again (the scripts reset it).' },
];

const USAGE = `**How to use this collection.** Import it into Postman (Import, then this file). Start the local stack
(\`npm start -- --clock 2026-11-24T08:00:00Z\`: entries close at 12:00 UTC, so start in the morning of a day) and run
the folder "${FLOW_FOLDER}" with the collection runner: it signs in through \`POST /_local/sign-in\`
(the local stack's token issuer), stores the token in the \`bearerToken\` variable, and plays a day up to the reward.
Afterwards every request of "${REFERENCE_FOLDER}" works with that token and the ids the flow stored.

Variables (collection variables; override them in an environment): \`baseUrl\` (default ${LOCAL_BASE_URL}; on AWS the
stack output \`ApiUrl\`), \`username\`, \`bearerToken\` (on AWS a Cognito access token), \`userId\`, \`tournamentId\`; the
others are set by the flow's scripts. Generated from \`shared/http/openapi.yaml\` by \`npm run postman\`; do not edit by hand.

`;

/** Every item of a tree of folders, depth first. */
function* itemsOf(items: readonly PostmanItem[]): Generator<PostmanItem> {
  for (const item of items) {
    yield item;
    if (item.item) yield* itemsOf(item.item);
  }
}

/** The converter's random ids (uuid v4 on every item, response and script) dropped: Postman assigns its own on import. */
function withoutIds<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutIds) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id' && key !== '_postman_id').map(([key, v]) => [key, withoutIds(v)])) as T;
}

/**
 * A converted request made to work after the flow: path parameters read the collection variable
 * of their name (`:tournamentId` is `{{tournamentId}}`), the server variables of the AWS URL go
 * (`baseUrl` is the whole URL), an Idempotency-Key is fresh on each send, and a test checks the
 * answer is one of the operation's documented 2xx codes.
 */
function referenceRequest(item: PostmanItem, pathVariables: Set<string>): void {
  const { request } = item;
  if (!request) return;
  request.url.variable = (request.url.variable ?? [])
    .filter((variable) => request.url.path.includes(`:${variable.key}`))
    .map((variable) => {
      pathVariables.add(variable.key);
      return { ...variable, value: `{{${variable.key}}}` };
    });
  for (const header of request.header ?? []) if (header.key.toLowerCase() === 'idempotency-key') header.value = '{{$guid}}';
  delete request.auth; // inherit the collection's bearer auth
  const success = [...new Set((item.response ?? []).map((r) => r.code).filter((code): code is number => code !== undefined && code < 300))].sort((a, b) => a - b);
  item.event = [
    {
      listen: 'test',
      script: { type: 'text/javascript', exec: [`pm.test('answers a documented success (${success.join(', ')})', () => pm.expect(pm.response.code).to.be.oneOf([${success.join(', ')}]));`] },
    },
  ];
}

/**
 * The Postman collection of the OpenAPI document: the converter's folders (one per tag, every
 * operation with the document's examples as saved responses) under one reference folder, after a
 * flow folder that plays a day with test scripts. The same document always gives the same JSON.
 */
export async function buildPostmanCollection(): Promise<PostmanCollection> {
  const converted = withoutIds(await convertOpenApiToPostman(loadOpenApiDocument()));
  const pathVariables = new Set<string>();
  for (const item of itemsOf(converted.item)) referenceRequest(item, pathVariables);
  const declared = new Set(VARIABLES.map((v) => v.key));
  const missing = [...pathVariables].filter((name) => !declared.has(name));
  if (missing.length > 0) throw new Error(`path parameters without a collection variable: ${missing.join(', ')} (add them to VARIABLES)`);

  const description = typeof converted.info.description === 'string' ? converted.info.description : (converted.info.description?.content ?? '');
  return {
    info: {
      _postman_id: COLLECTION_ID,
      name: converted.info.name,
      description: { content: USAGE + description, type: 'text/markdown' },
      schema: converted.info.schema,
    },
    item: [flowFolder(), { name: REFERENCE_FOLDER, description: 'One request per operation of the OpenAPI document, by tag, with its documented answers as examples.', item: converted.item }],
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] },
    variable: VARIABLES.map((variable) => ({ ...variable, type: 'string' })),
  };
}

/** The file's text: two-space JSON and a final newline, as the repository's other JSON files. */
export const serializeCollection = (collection: PostmanCollection) => `${JSON.stringify(collection, null, 2)}\n`;
