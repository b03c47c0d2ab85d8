import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { routeKeys } from '../../infra/routes.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { errorCatalog, problemOf, type ErrorCode } from '../../shared/http/problem.ts';
import { createUserBody, idempotencyKey, progressBody, userIdParam } from '../../shared/http/schemas.ts';

/**
 * The OpenAPI document (shared/http/openapi.yaml) is the machine-readable copy of the contract:
 * these tests hold it to the deployed routes, the error catalogue and the request validation.
 */
type Node = Record<string, unknown>;

const doc = parse(readFileSync(new URL('../../shared/http/openapi.yaml', import.meta.url), 'utf8')) as Node;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

function node(value: unknown, where: string): Node {
  if (!isNode(value)) throw new Error(`${where} is not an object`);
  return value;
}

/** Follows local `$ref`s (`#/components/...`) until a node without one. */
function resolve(value: unknown, where = 'node'): Node {
  let current = node(value, where);
  for (let hops = 0; typeof current['$ref'] === 'string'; hops++) {
    const ref = current['$ref'];
    if (!ref.startsWith('#/') || hops > 20) throw new Error(`unresolvable $ref ${ref} at ${where}`);
    current = node(
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, key) => (isNode(at) ? at[key.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined), doc),
      ref,
    );
  }
  return current;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

interface Operation {
  readonly key: string;
  readonly op: Node;
}

function operations(): Operation[] {
  return Object.entries(node(doc['paths'], 'paths')).flatMap(([path, item]) =>
    METHODS.filter((m) => node(item, path)[m] !== undefined).map((m) => ({
      key: `${m.toUpperCase()} ${path}`,
      op: node(node(item, path)[m], `${m} ${path}`),
    })),
  );
}

function operation(key: string): Node {
  const found = operations().find((o) => o.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found.op;
}

const responsesOf = (op: Operation): [string, Node][] =>
  Object.entries(node(op.op['responses'], `${op.key} responses`)).map(([status, r]) => [status, resolve(r, `${op.key} ${status}`)]);

const isError = (status: string) => status === 'default' || Number(status) >= 400;

const PROBLEM_REF = '#/components/schemas/Problem';

/**
 * The catalogue codes a problem+json response allows: all of them for a bare Problem, else the
 * `code` enum (or const) the `allOf` narrows Problem to. Throws if the schema is not a Problem.
 */
function problemCodes(response: Node, where: string): string[] {
  const content = node(response['content'], `${where} content`);
  expect(Object.keys(content), `${where}: error media types`).toEqual(['application/problem+json']);
  const schema = node(node(content['application/problem+json'], where)['schema'], `${where} schema`);
  if (schema['$ref'] === PROBLEM_REF) return problemSchemaCodes();
  const parts = schema['allOf'];
  if (!Array.isArray(parts) || !isNode(parts[0]) || parts[0]['$ref'] !== PROBLEM_REF) {
    throw new Error(`${where}: schema is neither the Problem schema nor allOf [Problem, ...]`);
  }
  const narrowed = parts.slice(1).flatMap((part) => {
    const code = isNode(part) && isNode(part['properties']) ? part['properties']['code'] : undefined;
    if (!isNode(code)) return [];
    return Array.isArray(code['enum']) ? (code['enum'] as string[]) : typeof code['const'] === 'string' ? [code['const']] : [];
  });
  return narrowed.length > 0 ? narrowed : problemSchemaCodes();
}

/** The `status` const an `allOf`-narrowed problem response pins, if any. */
function problemStatus(response: Node): number | undefined {
  const content = node(response['content'], 'content');
  const schema = node(node(content['application/problem+json'], 'problem')['schema'], 'schema');
  const parts = Array.isArray(schema['allOf']) ? schema['allOf'] : [];
  for (const part of parts) {
    const status = isNode(part) && isNode(part['properties']) ? part['properties']['status'] : undefined;
    if (isNode(status) && typeof status['const'] === 'number') return status['const'];
  }
  return undefined;
}

const problemSchema = () => resolve({ $ref: PROBLEM_REF });
const problemSchemaCodes = () => node(node(problemSchema()['properties'], 'Problem properties')['code'], 'code')['enum'] as string[];

/** Codes of the catalogue that only the local stack's `/_local/*` routes answer. */
const LOCAL_ONLY_CODES: readonly ErrorCode[] = ['CLOCK_MOVED_BACK'];

/**
 * A JSON Schema check for the keywords this document's request schemas use (enough to compare
 * them with zod; an unknown keyword fails loudly rather than being ignored).
 */
const KNOWN_KEYWORDS = new Set([
  ...['type', 'properties', 'required', 'additionalProperties', 'minLength', 'maxLength', 'pattern'],
  ...['minimum', 'maximum', 'description', 'example', 'examples', 'default', 'format', '$ref'],
]);

function accepts(schemaIn: unknown, value: unknown): boolean {
  const schema = resolve(schemaIn);
  for (const key of Object.keys(schema)) if (!KNOWN_KEYWORDS.has(key)) throw new Error(`keyword ${key} not supported by the test`);
  switch (schema['type']) {
    case 'object': {
      if (!isNode(value)) return false;
      const properties = isNode(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      if (required.some((k) => !(k in value))) return false;
      if (schema['additionalProperties'] === false && Object.keys(value).some((k) => !(k in properties))) return false;
      return Object.entries(value).every(([k, v]) => !(k in properties) || accepts(properties[k], v));
    }
    case 'string': {
      if (typeof value !== 'string') return false;
      const length = [...value].length; // JSON Schema counts code points
      if (typeof schema['minLength'] === 'number' && length < schema['minLength']) return false;
      if (typeof schema['maxLength'] === 'number' && length > schema['maxLength']) return false;
      return typeof schema['pattern'] !== 'string' || new RegExp(schema['pattern'], 'u').test(value);
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (schema['type'] === 'integer' && !Number.isInteger(value)) return false;
      if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return false;
      return typeof schema['maximum'] !== 'number' || value <= schema['maximum'];
    }
    default:
      throw new Error(`type ${String(schema['type'])} not supported by the test`);
  }
}

function jsonBodySchema(key: string): Node {
  const body = resolve(operation(key)['requestBody'], `${key} requestBody`);
  const content = node(body['content'], `${key} requestBody content`);
  return resolve(node(content['application/json'], `${key} application/json`)['schema'], `${key} body schema`);
}

function parameter(key: string, name: string, where: 'query' | 'header' | 'path'): Node {
  const params = (operation(key)['parameters'] ?? []) as unknown[];
  const found = params.map((p) => resolve(p)).find((p) => p['name'] === name && p['in'] === where);
  if (!found) throw new Error(`${key} has no ${where} parameter ${name}`);
  return found;
}

describe('OpenAPI document (shared/http/openapi.yaml)', () => {
  it('is an OpenAPI 3.1 document of the Good Swipe API with the deployed and local servers', () => {
    expect(doc['openapi']).toMatch(/^3\.1\.\d+$/);
    expect(node(doc['info'], 'info')).toMatchObject({ title: 'Good Swipe API', version: '1.0.0' });
    const servers = (doc['servers'] as Node[]).map((s) => s['url']);
    expect(servers).toContain('http://127.0.0.1:3000');
    expect(servers.some((url) => typeof url === 'string' && url.includes('execute-api'))).toBe(true);
  });

  it('describes exactly the deployed routes (routeKeys of infra/routes.ts), and no /_local route', () => {
    const keys = operations().map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...routeKeys()].sort());
    expect(Object.keys(node(doc['paths'], 'paths')).filter((p) => p.startsWith('/_local'))).toEqual([]);
    expect(String(node(doc['info'], 'info')['description'])).toMatch(/\/_local\/.*README\.md/s);
  });

  it('puts every operation behind the bearer JWT scheme', () => {
    const scheme = node(node(node(doc['components'], 'components')['securitySchemes'], 'securitySchemes')['bearerAuth'], 'bearerAuth');
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc['security']).toEqual([{ bearerAuth: [] }]);
    for (const { key, op } of operations()) {
      // An operation-level `security` would override the global one; none may drop the token.
      if (op['security'] !== undefined) expect(op['security'], key).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('gives every operation a summary, an operationId and a 2xx response', () => {
    for (const o of operations()) {
      expect(typeof o.op['summary'], o.key).toBe('string');
      expect(typeof o.op['operationId'], o.key).toBe('string');
      expect(responsesOf(o).some(([status]) => /^2\d\d$/.test(status)), o.key).toBe(true);
    }
    const ids = operations().map((o) => o.op['operationId']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers 201 for a creation and 200 for its retry where the contract says so', () => {
    for (const key of ['POST /users', 'POST /tournaments/current/entries']) {
      const statuses = Object.keys(node(operation(key)['responses'], key));
      expect(statuses, key).toEqual(expect.arrayContaining(['200', '201']));
    }
    const others = operations().filter((o) => !['POST /users', 'POST /tournaments/current/entries'].includes(o.key));
    for (const o of others) expect(responsesOf(o).map(([s]) => s).filter((s) => s.startsWith('2')), o.key).toEqual(['200']);
  });

  it('documents 401 UNAUTHORIZED on every operation', () => {
    for (const o of operations()) {
      const unauthorized = responsesOf(o).find(([status]) => status === '401');
      expect(unauthorized, `${o.key} has no 401`).toBeDefined();
      expect(problemCodes(unauthorized![1], `${o.key} 401`)).toEqual(['UNAUTHORIZED']);
    }
  });

  it('documents 429, 500 and 503 on every operation', () => {
    for (const o of operations()) {
      const statuses = responsesOf(o).map(([s]) => s);
      expect(statuses, o.key).toEqual(expect.arrayContaining(['429', '500', '503']));
    }
  });

  it('answers every error as application/problem+json with the Problem schema and codes of that status', () => {
    const components = Object.entries(node(node(doc['components'], 'components')['responses'], 'components.responses'));
    const all: [string, string, Node][] = [
      ...operations().flatMap((o) => responsesOf(o).map(([s, r]): [string, string, Node] => [`${o.key} ${s}`, s, r])),
    ];
    let checked = 0;
    for (const [where, status, response] of all.filter(([, s]) => isError(s))) {
      const codes = problemCodes(response, where);
      expect(codes.length, where).toBeGreaterThan(0);
      for (const code of codes) {
        expect(Object.keys(errorCatalog), `${where}: ${code}`).toContain(code);
        expect(errorCatalog[code as ErrorCode].status, `${where}: ${code}`).toBe(Number(status));
        expect(LOCAL_ONLY_CODES, `${where}: ${code}`).not.toContain(code);
      }
      expect(problemStatus(response) ?? Number(status), where).toBe(Number(status));
      checked++;
    }
    // The shared error responses too, including the ones no operation references (404/405).
    for (const [name, response] of components) {
      const codes = problemCodes(resolve(response), `components.responses.${name}`);
      for (const code of codes) expect(errorCatalog[code as ErrorCode].status, `${name}: ${code}`).toBe(problemStatus(resolve(response)));
    }
    expect(checked).toBeGreaterThan(operations().length);
  });

  it('describes 404 ROUTE_NOT_FOUND and 405 METHOD_NOT_ALLOWED once, in components', () => {
    const responses = node(node(doc['components'], 'components')['responses'], 'components.responses');
    expect(problemCodes(resolve(responses['RouteNotFound']), 'RouteNotFound')).toEqual(['ROUTE_NOT_FOUND']);
    expect(problemCodes(resolve(responses['MethodNotAllowed']), 'MethodNotAllowed')).toEqual(['METHOD_NOT_ALLOWED']);
    expect(problemStatus(resolve(responses['RouteNotFound']))).toBe(404);
    expect(problemStatus(resolve(responses['MethodNotAllowed']))).toBe(405);
    expect(Object.keys(node(resolve(responses['MethodNotAllowed'])['headers'], 'headers'))).toContain('Allow');
    for (const o of operations()) {
      for (const [status, response] of responsesOf(o).filter(([s]) => isError(s))) {
        const codes = problemCodes(response, `${o.key} ${status}`);
        expect(codes, o.key).not.toContain('ROUTE_NOT_FOUND');
        expect(codes, o.key).not.toContain('METHOD_NOT_ALLOWED');
      }
    }
  });

  it("has a Problem schema whose code enum is the catalogue's codes minus the local-only ones", () => {
    const expected = Object.keys(errorCatalog).filter((code) => !LOCAL_ONLY_CODES.includes(code as ErrorCode));
    const codes = problemSchemaCodes();
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual([...expected].sort());
  });

  it('has a Problem schema with the fields problemOf() writes', () => {
    const schema = problemSchema();
    const properties = node(schema['properties'], 'Problem properties');
    expect(Object.keys(properties).sort()).toEqual(['code', 'detail', 'errors', 'status', 'title', 'type']);
    const full = problemOf('VALIDATION_ERROR', 'request body is invalid', [{ field: 'displayName', message: 'too long' }]);
    expect(Object.keys(full).sort()).toEqual(Object.keys(properties).sort());
    expect([...(schema['required'] as string[])].sort()).toEqual(Object.keys(problemOf('INTERNAL')).sort());
    const fieldError = resolve(node(properties['errors'], 'errors')['items'], 'errors.items');
    expect(Object.keys(node(fieldError['properties'], 'FieldError properties')).sort()).toEqual(['field', 'message']);
    expect([...(fieldError['required'] as string[])].sort()).toEqual(['field', 'message']);
  });

  it('documents the Idempotency-Key header, the 422 IDEMPOTENCY_KEY_REUSED and the idempotent-replayed header on progress', () => {
    const key = 'POST /users/me/progress';
    const header = parameter(key, 'Idempotency-Key', 'header');
    expect(header['required']).not.toBe(true);
    const schema = resolve(header['schema'], 'Idempotency-Key schema');
    expect(schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 64 });
    // The document's pattern is the validator's regex.
    expect(schema['pattern']).toBe(z.toJSONSchema(idempotencyKey)['pattern']);
    const responses = node(operation(key)['responses'], key);
    expect(problemCodes(resolve(responses['422']), `${key} 422`)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(problemCodes(resolve(responses['409']), `${key} 409`)).toContain('IDEMPOTENCY_IN_PROGRESS');
    const ok = resolve(responses['200']);
    expect(Object.keys(node(ok['headers'], `${key} 200 headers`))).toContain('idempotent-replayed');
  });

  it('accepts exactly the Idempotency-Keys the validator accepts', () => {
    const schema = resolve(parameter('POST /users/me/progress', 'Idempotency-Key', 'header')['schema']);
    const keys = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 70 }),
      fc.constantFrom('', 'a', 'a'.repeat(64), 'a'.repeat(65), 'has space', '~!', '\u007f', 'é'),
    );
    fc.assert(
      fc.property(keys, (value) => {
        expect(accepts(schema, value), JSON.stringify(value)).toBe(idempotencyKey.safeParse(value).success);
      }),
    );
  });

  it('makes every request body strict (additionalProperties: false), like the zod schemas', () => {
    const withBodies = operations().filter((o) => o.op['requestBody'] !== undefined);
    expect(withBodies.map((o) => o.key).sort()).toEqual(['POST /users', 'POST /users/me/progress']);
    for (const { key } of withBodies) {
      const schema = jsonBodySchema(key);
      expect(schema['type'], key).toBe('object');
      expect(schema['additionalProperties'], key).toBe(false);
    }
    for (const [key, zodSchema] of [
      ['POST /users', createUserBody],
      ['POST /users/me/progress', progressBody],
    ] as const) {
      const fromZod = z.toJSONSchema(zodSchema);
      const schema = jsonBodySchema(key);
      expect(schema['additionalProperties'], key).toBe(fromZod['additionalProperties']);
      expect(Object.keys(node(schema['properties'], key)).sort(), key).toEqual(Object.keys(node(fromZod['properties'], key)).sort());
      expect([...(schema['required'] as string[])].sort(), key).toEqual([...(fromZod['required'] ?? [])].sort());
    }
  });

  it('bounds displayName like the validator: 1-32 printable characters', () => {
    const schema = jsonBodySchema('POST /users');
    const displayName = resolve(node(schema['properties'], 'properties')['displayName']);
    expect(displayName).toMatchObject({ type: 'string', minLength: 1, maxLength: 32 });
    expect(displayName['maxLength']).toBe(gameRules.profile.displayNameMaxLength);
    const names = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', ' ', '\t', 'x'.repeat(32), 'x'.repeat(33), '😀'.repeat(32), '😀'.repeat(33), 'a\nb', '\u200b', '\u2028a', '\ue000'),
    );
    fc.assert(
      fc.property(names, (value) => {
        const body = { displayName: value };
        expect(accepts(schema, body), JSON.stringify(value)).toBe(createUserBody.safeParse(body).success);
      }),
    );
    for (const body of [{}, { displayName: 'Alice', coins: 5 }, { displayName: 7 }]) {
      expect(accepts(schema, body)).toBe(false);
      expect(createUserBody.safeParse(body).success).toBe(false);
    }
  });

  it('bounds levelIncrease like the validator: an integer 1-100', () => {
    const schema = jsonBodySchema('POST /users/me/progress');
    const levelIncrease = resolve(node(schema['properties'], 'properties')['levelIncrease']);
    expect(levelIncrease).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const fromZod = node(node(z.toJSONSchema(progressBody)['properties'], 'zod properties')['levelIncrease'], 'zod levelIncrease');
    expect({ type: levelIncrease['type'], minimum: levelIncrease['minimum'], maximum: levelIncrease['maximum'] }).toEqual({
      type: fromZod['type'],
      minimum: fromZod['minimum'],
      maximum: fromZod['maximum'],
    });
    expect(levelIncrease['minimum']).toBe(gameRules.progress.minLevelIncrease);
    expect(levelIncrease['maximum']).toBe(gameRules.progress.maxLevelIncrease);
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 110 }), fc.double({ min: -5, max: 110 })), (value) => {
        const body = { levelIncrease: value };
        expect(accepts(schema, body), String(value)).toBe(progressBody.safeParse(body).success);
      }),
    );
  });

  it('documents the paging query parameters of the two paged lists', () => {
    const cases = [
      { key: 'GET /leaderboards/global', max: 1000, default: 100 },
      { key: 'GET /users/me/tournaments', max: 100, default: 20 },
    ];
    for (const c of cases) {
      const limit = resolve(parameter(c.key, 'limit', 'query')['schema']);
      expect(limit, c.key).toMatchObject({ type: 'integer', minimum: 1, maximum: c.max, default: c.default });
      expect(resolve(parameter(c.key, 'cursor', 'query')['schema']), c.key).toMatchObject({ type: 'string', minLength: 1 });
    }
  });

  it('takes {tournamentId} as a date or `current`, and answers 400 VALIDATION_ERROR for anything else', () => {
    for (const key of ['GET /tournaments/{tournamentId}/leaderboard', 'GET /tournaments/{tournamentId}/rank', 'POST /tournaments/{tournamentId}/reward']) {
      const schema = resolve(parameter(key, 'tournamentId', 'path')['schema']);
      const pattern = new RegExp(String(schema['pattern']), 'u');
      expect(pattern.test('current'), key).toBe(true);
      expect(pattern.test('2026-11-24'), key).toBe(true);
      expect(pattern.test('yesterday'), key).toBe(false);
      const bad = resolve(node(operation(key)['responses'], key)['400']);
      expect(problemCodes(bad, `${key} 400`)).toEqual(['VALIDATION_ERROR']);
    }
  });

  it('writes down one rule for what a route does not take, and a 400 VALIDATION_ERROR for it on every operation', () => {
    expect(String(node(doc['info'], 'info')['description'])).toMatch(/\*\*Requests: one rule for every route\.\*\*[^]*query[^]*body[^]*percent-encoded/);
    for (const o of operations()) {
      const bad = responsesOf(o).find(([status]) => status === '400');
      expect(bad, `${o.key} has no 400`).toBeDefined();
      expect(problemCodes(bad![1], `${o.key} 400`)).toEqual(['VALIDATION_ERROR']);
    }
    const responses = node(node(doc['components'], 'components')['responses'], 'components.responses');
    expect(problemCodes(resolve(responses['HeadersTooLarge']), 'HeadersTooLarge')).toEqual(['HEADERS_TOO_LARGE']);
    expect(problemCodes(resolve(responses['RequestTimeout']), 'RequestTimeout')).toEqual(['REQUEST_TIMEOUT']);
  });

  it('accepts exactly the {userId} values the validator accepts', () => {
    const schema = resolve(parameter('GET /users/{userId}', 'userId', 'path')['schema']);
    const values = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 140 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('', '%', '%zz', 'a%b', '\u0000', '\u007f', '\ufffd', '\ud800', 'u'.repeat(128), 'u'.repeat(129), '0f3c2a9e-5d1b'),
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(accepts(schema, value), JSON.stringify(value)).toBe(userIdParam.safeParse(value).success);
      }),
    );
  });
});
