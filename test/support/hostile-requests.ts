import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { TEST_DAY, testDay } from './test-days.ts';

/**
 * Seeded request generators for the fuzz test: well-formed requests built from the OpenAPI
 * document's operations (its paths, parameters and body schemas), then hostile variants of
 * every part — encodings, unicode, numbers at the edges, nesting, duplicate keys, content
 * types, methods, sizes — and wire-level ones (framing, request lines, headers) that only a
 * raw socket can send.
 */
type Schema = Record<string, unknown>;

export interface OperationModel {
  readonly method: string;
  /** `/tournaments/{tournamentId}/rank` */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: readonly { readonly name: string; readonly schema: Schema }[];
  readonly body?: Schema;
  readonly takesIdempotencyKey: boolean;
}

const doc = parse(readFileSync(new URL('../../shared/http/openapi.yaml', import.meta.url), 'utf8')) as Schema;

/** Follows `#/components/...` references. */
function resolve(value: unknown): Schema {
  let current = value as Schema;
  while (typeof current['$ref'] === 'string') {
    current = (current['$ref'] as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Schema)[key], doc) as Schema;
  }
  return current;
}

export function operationsOf(): OperationModel[] {
  return Object.entries(doc['paths'] as Record<string, Schema>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const params = ((op as Schema)['parameters'] as unknown[] | undefined)?.map(resolve) ?? [];
      const requestBody = (op as Schema)['requestBody'];
      const content = requestBody ? (resolve(requestBody)['content'] as Record<string, Schema>) : undefined;
      return {
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p['in'] === 'path').map((p) => String(p['name'])),
        query: params.filter((p) => p['in'] === 'query').map((p) => ({ name: String(p['name']), schema: resolve(p['schema']) })),
        ...(content ? { body: resolve(content['application/json']!['schema']) } : {}),
        takesIdempotencyKey: params.some((p) => p['in'] === 'header' && p['name'] === 'Idempotency-Key'),
      };
    }),
  );
}

/** Numbers where validators get them wrong: the bounds and one past, non-integers, overflow. */
function edgeNumbers(schema: Schema): fc.Arbitrary<string> {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : 1000;
  return fc.oneof(
    fc.integer({ min, max }).map(String),
    fc.constantFrom(min - 1, min, max, max + 1, 0, -1, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER).map(String),
    fc.constantFrom('-0', '1.5', '1e2', '1e308', '1e309', '-1e309', '0x10', '1_000', 'NaN', 'Infinity', '00001', '1.0', ''),
  );
}

/** Strings no validator should trust: unicode of every kind, controls, surrogates, sizes. */
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\t\n', '\ud800', '\udfff', '\u202e', '\ufeff', '😀'.repeat(40), 'x'.repeat(5000), '<script>', "' OR 1=1 --", '${x}', '../../etc/passwd'),
);

/** A JSON value the schema accepts (mostly: generated text may still miss a pattern). */
function validValue(schema: Schema): fc.Arbitrary<unknown> {
  if (schema['type'] === 'integer') return fc.integer({ min: Number(schema['minimum'] ?? 0), max: Number(schema['maximum'] ?? 1000) });
  if (schema['type'] === 'string') return fc.string({ unit: 'grapheme', minLength: 1, maxLength: Number(schema['maxLength'] ?? 32) });
  return fc.constant(null);
}

/** A JSON value of the schema's type at its edges, of any other type, or hostile text. */
function hostileValue(schema: Schema): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({ a: 1 }), fc.double(), hostileText);
  if (schema['type'] === 'integer' || schema['type'] === 'number') return fc.oneof(edgeNumbers(schema).map(Number), wrongType);
  return fc.oneof(hostileText, wrongType);
}

const propertiesOf = (schema: Schema | undefined) => (resolve(schema ?? {})['properties'] ?? {}) as Record<string, unknown>;

/** The body the operation takes, built from its schema (none if it takes none). */
function validBody(schema: Schema | undefined): fc.Arbitrary<string | undefined> {
  if (!schema) return fc.constant(undefined);
  const shape = Object.fromEntries(Object.entries(propertiesOf(schema)).map(([k, v]) => [k, validValue(resolve(v))]));
  return fc.record(shape).map((value) => JSON.stringify(value));
}

/** A body that is wrong for the operation: wrong values, unknown or missing keys, JSON-level attacks, any body where none is taken. */
function hostileBody(schema: Schema | undefined): fc.Arbitrary<string | undefined> {
  const properties = propertiesOf(schema);
  const key = Object.keys(properties)[0] ?? 'x';
  const wrongValues = fc
    .record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, hostileValue(resolve(v))])), { requiredKeys: [] })
    .chain((value) => fc.oneof(fc.constant(value), fc.constant({ ...value, extra: 1 })))
    .map((value) => JSON.stringify(value));
  const attacks = fc.constantFrom(
    `{"${key}":1,"${key}":100}`, // duplicate keys
    `{"${key}":"1","${key}":1}`,
    `{"__proto__":{"admin":true},"${key}":1}`,
    `{"constructor":{"prototype":{"x":1}}}`,
    `${'['.repeat(5000)}${']'.repeat(5000)}`, // deep nesting, under 16 KiB
    `{"${key}":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`,
    `{"${key}":"\\ud800"}`, // a lone surrogate escape
    `\ufeff{"${key}":1}`,
    `{"${key}":1}garbage`,
    `{"${key}":1e400}`,
    `{"${key}":-0}`,
    `{"${key}":123456789012345678901234567890}`,
    '{}',
    'null',
    '[]',
    '"text"',
    '{',
    ' ',
    'displayName=Alice',
    `{"${key}":"${'x'.repeat(17 * 1024)}"}`, // over 16 KiB
  );
  return fc.oneof(wrongValues, attacks);
}

/** Path parameter values: ids that exist, ids that do not, and undecodable or odd encodings. */
function pathValue(knownIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('current', TEST_DAY, testDay(-1), '2026-02-30', '9999-99-99', 'me', ...knownIds),
    fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '%E0%A4%A', '%ED%A0%80', '%00', '%2F', '%2e%2e', '..', '%25', '%EF%BF%BD', 'x%', '%F0%9F%98%80'),
    hostileText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')) || 'x'),
    fc.constant('a'.repeat(300)),
  );
}

const joinQuery = (parts: readonly (string | undefined)[]) => {
  const present = parts.filter((p): p is string => p !== undefined);
  return present.length > 0 ? `?${present.join('&')}` : '';
};

/** The query the operation takes: its numbers absent or in range (a cursor only the API can make: absent). */
function validQuery(op: OperationModel): fc.Arbitrary<string> {
  const parts = op.query.map(({ name, schema }) =>
    schema['type'] === 'integer'
      ? fc.option(fc.integer({ min: Number(schema['minimum']), max: Number(schema['maximum']) }).map((n) => `${name}=${n}`), { nil: undefined })
      : fc.constant(undefined),
  );
  return fc.tuple(...parts).map(joinQuery);
}

/** Its parameters at their edges or hostile, and parameters it does not take. */
function hostileQuery(op: OperationModel): fc.Arbitrary<string> {
  const known = op.query.map(({ name, schema }) =>
    fc.option(
      (schema['type'] === 'integer' ? edgeNumbers(schema) : hostileText).map((value) => `${name}=${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, ''))}`),
      { nil: undefined },
    ),
  );
  const unknown = fc.constantFrom('foo=1', 'limit=5', 'cursor=abc', '=x', 'flag', 'limit=1&limit=2', 'a%zz=1', 'x=%FF', '&&', '?');
  return fc.tuple(fc.tuple(...known), fc.option(unknown, { freq: 2, nil: undefined })).map(([parts, extra]) => joinQuery([...parts, extra]));
}

export interface GeneratedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | undefined;
  /** The operation it was generated from, for the test's ledger. */
  readonly operation: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'QUERY'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/xml', ''];

interface Parts {
  readonly method: string;
  readonly path: readonly string[];
  readonly query: string;
  readonly body: string | undefined;
  readonly auth: string | undefined;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
}
type Part = keyof Parts;
type PartArbitraries = { readonly [P in Part]: fc.Arbitrary<Parts[P]> };
const PARTS: readonly Part[] = ['method', 'path', 'query', 'body', 'auth', 'contentType', 'idempotencyKey'];

/**
 * A request to one of the document's operations: valid, with (mostly) one or two of its parts
 * made hostile, so that each attack reaches the layer that must refuse it.
 */
export function apiRequest(operations: readonly OperationModel[], token: string, knownIds: readonly string[]): fc.Arbitrary<GeneratedRequest> {
  const validIds = fc.constantFrom('current', TEST_DAY, testDay(-1), ...knownIds);
  return fc.constantFrom(...operations).chain((op) => {
    const valid: PartArbitraries = {
      method: fc.constant(op.method),
      path: fc.tuple(...op.pathParams.map(() => validIds)),
      query: validQuery(op),
      body: validBody(op.body),
      auth: fc.constant(`Bearer ${token}`),
      contentType: fc.option(fc.constant('application/json'), { nil: undefined }),
      idempotencyKey: op.takesIdempotencyKey ? fc.option(fc.uuid(), { nil: undefined }) : fc.constant(undefined),
    };
    const hostile: PartArbitraries = {
      method: fc.constantFrom(...METHODS),
      path: fc.tuple(...op.pathParams.map(() => pathValue(knownIds))),
      query: hostileQuery(op),
      body: hostileBody(op.body),
      auth: fc.constantFrom(undefined, '', 'Bearer', `Bearer ${token}x`, `bearer ${token}`, `Basic ${token}`, 'Bearer a.b.c', `Bearer ${token} ${token}`),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      idempotencyKey: fc.oneof(fc.constantFrom('', 'k'.repeat(65), 'has space', 'same-key', 'é'), fc.uuid()),
    };
    const attacked = fc.oneof(
      { weight: 1, arbitrary: fc.constant<Part[]>([]) },
      { weight: 6, arbitrary: fc.subarray([...PARTS], { minLength: 1, maxLength: 2 }) },
    );
    return attacked.chain((parts) =>
      fc
        .record(Object.fromEntries(PARTS.map((part) => [part, parts.includes(part) ? hostile[part] : valid[part]])) as PartArbitraries)
        .map(({ method, path: params, query, body, auth, contentType, idempotencyKey }) => {
          let index = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => params[index++] ?? '');
          const headers: [string, string][] = [];
          if (auth !== undefined) headers.push(['authorization', auth]);
          if (contentType !== undefined) headers.push(['content-type', contentType]);
          if (idempotencyKey !== undefined) headers.push(['idempotency-key', idempotencyKey]);
          return { method, target: `${path}${query}`, headers, body, operation: `${op.method} ${op.path}` };
        }),
    );
  });
}

/** The request as bytes on the wire (one request per connection). */
export function serialize(request: GeneratedRequest): Buffer {
  const body = Buffer.from(request.body ?? '', 'utf8');
  // Header values go out as latin1, as a raw client would send them; non-latin1 characters are a client bug, not a test.
  const headers = request.headers.map(([name, value]) => `${name}: ${value.replace(/[^\x20-\xff]/g, '?')}\r\n`).join('');
  const length = request.body === undefined ? '' : `content-length: ${body.length}\r\n`;
  const head = `${request.method} ${request.target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${headers}${length}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export interface WireRequest {
  readonly name: string;
  readonly bytes: Buffer;
  /** How many responses a server that reads it all should send (pipelined requests: more than 1). */
  readonly expected: number;
  /** The client stops sending and half-closes (its body is cut short). */
  readonly halfClose: boolean;
}

const wire = (name: string, text: string, options: Partial<Pick<WireRequest, 'expected' | 'halfClose'>> = {}): WireRequest => ({
  name,
  bytes: Buffer.from(text, 'latin1'),
  expected: options.expected ?? 1,
  halfClose: options.halfClose ?? false,
});

/** Requests that break HTTP itself: what Node's parser refuses, or only a raw client sends. */
export function wireRequests(token: string): fc.Arbitrary<WireRequest> {
  const auth = `authorization: Bearer ${token}\r\n`;
  const fixed = [
    wire('absolute-form, port out of range', 'GET http://[::1]:99999/users/me HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('absolute-form, bad IPv6', 'GET http://[zz]/users/me HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('absolute-form, bad IPv4', 'GET http://999.999.999.999/users/me HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('absolute-form, valid', `GET http://127.0.0.1/users/me HTTP/1.1\r\nhost: x\r\n${auth}\r\n`),
    wire('authority-form', 'GET example.com:80 HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('asterisk-form', 'OPTIONS * HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('unknown method', 'FOO /users/me HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('lower-case method', `get /users/me HTTP/1.1\r\nhost: x\r\n${auth}\r\n`),
    wire('CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com\r\n\r\n'),
    wire('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    wire('HTTP/0.9', 'GET /users/me\r\n\r\n'),
    wire('HTTP/1.0 without host', `GET /users/me HTTP/1.0\r\n${auth}\r\n`),
    wire('HTTP/1.1 without host', `GET /users/me HTTP/1.1\r\n${auth}\r\n`),
    wire('bare LF', `GET /users/me HTTP/1.1\nhost: x\n${auth.trim()}\n\n`),
    wire('header without colon', 'GET /users/me HTTP/1.1\r\nhost x\r\n\r\n'),
    wire('space in header name', 'GET /users/me HTTP/1.1\r\nho st: x\r\n\r\n'),
    wire('obs-fold', 'GET /users/me HTTP/1.1\r\nhost: x\r\nx-a: 1\r\n  folded\r\n\r\n'),
    wire('NUL in header', 'GET /users/me HTTP/1.1\r\nhost: x\r\nx-a: a\u0000b\r\n\r\n'),
    wire('content-length and chunked', 'POST /users HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'),
    wire('two content-lengths', 'POST /users HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}'),
    wire('negative content-length', 'POST /users HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n'),
    wire('non-numeric content-length', 'POST /users HTTP/1.1\r\nhost: x\r\ncontent-length: ten\r\n\r\n'),
    wire('bad chunk size', `POST /users HTTP/1.1\r\nhost: x\r\n${auth}transfer-encoding: chunked\r\n\r\nzz\r\n`),
    wire('chunked, no last chunk', `POST /users HTTP/1.1\r\nhost: x\r\n${auth}transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n`, { halfClose: true }),
    wire('body cut short', `POST /users HTTP/1.1\r\nhost: x\r\n${auth}content-length: 100\r\n\r\n{"displayName":`, { halfClose: true }),
    wire('unknown transfer-encoding', 'POST /users HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n'),
    wire('pipelined garbage', `GET /users/me HTTP/1.1\r\nhost: x\r\n${auth}\r\nGARBAGE\r\n\r\n`, { expected: 2 }),
    wire('pipelined pair', `GET /users/me HTTP/1.1\r\nhost: x\r\n${auth}\r\nGET /nope HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, { expected: 2 }),
    wire('expect other than 100-continue', `GET /users/me HTTP/1.1\r\nhost: x\r\n${auth}expect: teapot\r\nconnection: close\r\n\r\n`),
    wire('expect 100-continue', `POST /users HTTP/1.1\r\nhost: x\r\n${auth}expect: 100-continue\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`),
    wire('upgrade', `GET /users/me HTTP/1.1\r\nhost: x\r\n${auth}connection: upgrade\r\nupgrade: websocket\r\n\r\n`),
    wire('token over 16 KiB', `GET /users/me HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${'a'.repeat(17 * 1024)}\r\n\r\n`),
    wire('request line over the limit', `GET /users/${'a'.repeat(12 * 1024)} HTTP/1.1\r\nhost: x\r\n\r\n`),
    wire('many headers', `GET /users/me HTTP/1.1\r\nhost: x\r\n${'x-a: 1\r\n'.repeat(3000)}\r\n`),
    wire('non-ASCII in target', 'GET /users/\u00ff\u00fe HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('space in target', 'GET /users/a b HTTP/1.1\r\nhost: x\r\n\r\n'),
    wire('fragment in target', `GET /users/me#frag HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`),
    wire('double slash', `GET //users//me HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`),
    wire('dot segments', `GET /users/../users/me HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`),
    wire('X-Amz-Target on a public route', 'POST /users/me HTTP/1.1\r\nhost: x\r\nx-amz-target: AWSStepFunctions.StartSyncExecution\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}'),
  ];
  // One byte of the request line or the host line replaced: whatever the parser makes of it.
  const valid = `GET /users/me HTTP/1.1\r\nhost: 127.0.0.1\r\n${auth}connection: close\r\n\r\n`;
  const editable = valid.indexOf('\r\nauthorization');
  const flipped = fc
    .record({ at: fc.integer({ min: 0, max: editable - 1 }), byte: fc.integer({ min: 0, max: 255 }) })
    .map(({ at, byte }) => wire(`byte ${at} -> ${byte}`, valid.slice(0, at) + String.fromCharCode(byte) + valid.slice(at + 1)));
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...fixed) }, { weight: 1, arbitrary: flipped });
}
