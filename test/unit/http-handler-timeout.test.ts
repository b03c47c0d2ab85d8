import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpFunction } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import type { HttpEvent } from '../../shared/http/request.ts';

const event = { routeKey: 'POST /tournaments/current/entries', headers: {}, requestContext: { timeEpoch: 0 } } as unknown as HttpEvent;

/** A Lambda context whose deadline is `remainingMs` from now. */
function contextWith(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

/**
 * A route still working when its function is about to be stopped answers 503 with Retry-After
 * (API Gateway would turn a Lambda timeout into a bare 500), saying it may have taken effect.
 * The route waits on purpose for far longer than the deadline, so no timing is asserted.
 */
describe('a route near its timeout', () => {
  it('answers 503 problem+json with Retry-After before the function is stopped', async () => {
    const slow = httpFunction(() => new Promise(() => {})); // never settles
    const response = await slow(event, contextWith(1_300));
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after'] ?? response.headers?.['Retry-After']).toBe('5');
    expect(JSON.parse(response.body ?? '')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringMatching(/may have taken effect/) });
  });

  it('answers as the route does when it is in time', async () => {
    const quick = httpFunction(async () => json(200, { ok: true }));
    expect((await quick(event, contextWith(10_000))).statusCode).toBe(200);
  });
});
