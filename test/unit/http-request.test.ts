import { describe, expect, it } from 'vitest';
import { ApiError, problemOf } from '../../shared/http/problem.ts';
import { callerId, jsonBody, MAX_BODY_BYTES, type HttpEvent } from '../../shared/http/request.ts';
import { createUserBody, idempotencyKey, progressBody } from '../../shared/http/schemas.ts';

const event = (body: string | undefined, sub?: string) =>
  ({
    body,
    isBase64Encoded: false,
    headers: {},
    requestContext: { timeEpoch: 0, authorizer: { jwt: { claims: sub ? { sub } : {}, scopes: [] } } },
  }) as unknown as HttpEvent;

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
