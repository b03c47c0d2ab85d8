import { describe, expect, it } from 'vitest';
import { ApiError, problemOf } from '../../shared/http/problem.ts';
import { z } from 'zod';
import { callerId, jsonBody, MAX_BODY_BYTES, routeRequest, type HttpEvent } from '../../shared/http/request.ts';
import { createUserBody, idempotencyKey, pathParam, progressBody, tournamentPath, userIdParam } from '../../shared/http/schemas.ts';

const event = (body: string | undefined, sub?: string) =>
  ({
    body,
    isBase64Encoded: false,
    headers: {},
    requestContext: { timeEpoch: 0, authorizer: { jwt: { claims: sub ? { sub } : {}, scopes: [] } } },
  }) as unknown as HttpEvent;

/** An authenticated event with the given parts. */
const request = (parts: Partial<Pick<HttpEvent, 'body' | 'pathParameters' | 'queryStringParameters' | 'headers'>>) =>
  ({ ...event(undefined, 'player-1'), ...parts }) as HttpEvent;

const apiErrorOf = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('request parsing', () => {
  it('builds RFC 9457 problems with a stable code and type', () => {
    expect(problemOf('INSUFFICIENT_COINS', 'entry costs 500 coins; you have 120')).toEqual({
      type: 'https://goodswipe.dev/errors/insufficient-coins',
      title: 'Insufficient coins',
      status: 409,
      code: 'INSUFFICIENT_COINS',
      detail: 'entry costs 500 coins; you have 120',
    });
  });

  it('takes the caller from the verified token only', () => {
    expect(callerId(event(undefined, 'abc'))).toBe('abc');
    expect(apiErrorOf(() => callerId(event(undefined))).code).toBe('UNAUTHORIZED');
  });

  it('rejects malformed JSON, unknown fields and wrong types, listing each field', () => {
    expect(apiErrorOf(() => jsonBody(event('{oops'), progressBody)).code).toBe('VALIDATION_ERROR');
    expect(apiErrorOf(() => jsonBody(event(undefined), progressBody)).code).toBe('VALIDATION_ERROR');
    const error = apiErrorOf(() => jsonBody(event('{"levelIncrease":"2","extra":true}'), progressBody));
    expect(error.errors?.map((e) => e.field).sort()).toEqual(['extra', 'levelIncrease']);
  });

  it('accepts exactly the contract ranges', () => {
    expect(jsonBody(event('{"levelIncrease":1}'), progressBody)).toEqual({ levelIncrease: 1 });
    expect(jsonBody(event('{"levelIncrease":100}'), progressBody)).toEqual({ levelIncrease: 100 });
    for (const bad of ['0', '101', '2.5', 'null', '1e3']) {
      expect(apiErrorOf(() => jsonBody(event(`{"levelIncrease":${bad}}`), progressBody)).code).toBe('VALIDATION_ERROR');
    }
    expect(apiErrorOf(() => jsonBody(event('{"displayName":""}'), createUserBody)).code).toBe('VALIDATION_ERROR');
  });

  it('refuses a body over 16 KiB with 413, before parsing it', () => {
    const big = JSON.stringify({ displayName: 'x'.repeat(MAX_BODY_BYTES) });
    expect(apiErrorOf(() => jsonBody(event(big), createUserBody)).status).toBe(413);
  });

  it('accepts idempotency keys of 1-64 visible ASCII characters', () => {
    expect(idempotencyKey.safeParse('a').success).toBe(true);
    expect(idempotencyKey.safeParse('k'.repeat(64)).success).toBe(true);
    expect(idempotencyKey.safeParse('').success).toBe(false);
    expect(idempotencyKey.safeParse('k'.repeat(65)).success).toBe(false);
    expect(idempotencyKey.safeParse('has space').success).toBe(false);
  });
});

describe('what a route is handed (routeRequest)', () => {
  it('hands the caller, the request time and the validated path, query and body', () => {
    const handed = routeRequest(
      request({ pathParameters: { tournamentId: '2026-11-24' }, body: '{"levelIncrease":2}', headers: { 'idempotency-key': 'k' } }),
      { ...tournamentPath, body: progressBody },
    );
    expect(handed).toMatchObject({ userId: 'player-1', now: new Date(0), params: { tournamentId: '2026-11-24' }, query: {}, body: { levelIncrease: 2 } });
    expect(handed.header('Idempotency-Key')).toBe('k');
  });

  it('answers 401 before looking at anything else', () => {
    expect(apiErrorOf(() => routeRequest({ ...event('{oops'), queryStringParameters: { x: '1' } } as HttpEvent, {})).code).toBe('UNAUTHORIZED');
  });

  it('refuses a query parameter on a route that takes none, and an unknown one where it takes some', () => {
    const none = apiErrorOf(() => routeRequest(request({ queryStringParameters: { limit: '5' } }), {}));
    expect(none).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'limit', message: 'unknown field' }] });
    const query = z.strictObject({ limit: z.coerce.number().optional() });
    expect(apiErrorOf(() => routeRequest(request({ queryStringParameters: { foo: '1' } }), { query })).errors).toEqual([{ field: 'foo', message: 'unknown field' }]);
    expect(routeRequest(request({ queryStringParameters: { limit: '5' } }), { query }).query).toEqual({ limit: 5 });
  });

  it('refuses any body on a route that takes none, whatever its size or type', () => {
    for (const body of ['{}', ' ', 'x'.repeat(MAX_BODY_BYTES + 1)]) {
      expect(apiErrorOf(() => routeRequest(request({ body }), {}))).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: '(body)' }] });
    }
    expect(routeRequest(request({ body: '' }), {}).body).toBeUndefined();
  });

  it('refuses path parameters that are not clean text: undecodable escapes, %, controls, U+FFFD, lone surrogates', () => {
    for (const value of ['%zz', '%FF', '%C0%AF', '%', 'a\u0000b', '\uFFFD', '\uD800', '']) {
      expect(pathParam.safeParse(value).success, JSON.stringify(value)).toBe(false);
      const error = apiErrorOf(() => routeRequest(request({ pathParameters: { tournamentId: value } }), tournamentPath));
      expect(error).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'tournamentId' }] });
    }
    for (const value of ['current', '2026-11-24', 'a b', 'é', '😀', 'a/b']) expect(pathParam.safeParse(value).success, value).toBe(true);
    expect(userIdParam.safeParse('u'.repeat(129)).success).toBe(false);
  });
});
