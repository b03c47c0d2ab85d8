import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalClock } from '../../infra/local/clock.ts';
import { createLocalHttpServer } from '../../infra/local/http-server.ts';
import { LambdaTimeoutError } from '../../infra/local/lambda-limits.ts';
import type { LocalLambdaRuntime } from '../../infra/local/lambda-runtime.ts';

/**
 * What a client of the local API stand-in gets when the route's function times out (as on an
 * HTTP API: a 500, the function failed) or when API Gateway stops waiting for it (a 503).
 */
describe('local API Gateway: functions that run out of time', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** The stand-in serving one public route whose function does `invoke`. */
  async function serve(invoke: LocalLambdaRuntime['invoke'], integrationTimeoutMs?: number): Promise<string> {
    server = createLocalHttpServer({
      routes: [{ routeKey: 'GET /slow', functionLogicalId: 'Slow', requiresJwt: false }],
      runtime: { invoke } as LocalLambdaRuntime,
      clock: new LocalClock(),
      ...(integrationTimeoutMs === undefined ? {} : { integrationTimeoutMs }),
      // Not reached by these requests.
      issuer: undefined as never,
      faults: undefined as never,
      stepFunctions: undefined as never,
      destinations: undefined as never,
      stepFunctionsEndpoint: undefined as never,
      eventBridgeEndpoint: undefined as never,
      busEvents: undefined as never,
      health: undefined as never,
      runSchedulesUpTo: undefined as never,
      runJob: undefined as never,
      metrics: undefined as never,
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
  }

  it('answers 500 problem+json when the function times out (Sandbox.Timedout is a function error)', async () => {
    const url = await serve(async () => {
      throw new LambdaTimeoutError('req-1', 10);
    });
    const response = await fetch(url);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('answers 503 problem+json when the function outlives the integration timeout', async () => {
    let finish: () => void = () => {};
    const url = await serve(() => new Promise((resolve) => (finish = () => resolve({ statusCode: 200 }))), 50);
    const response = await fetch(url);
    finish(); // the function answers after API Gateway gave up: nobody hears it
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});
