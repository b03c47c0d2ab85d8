import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from '../../shared/validation.ts';
import { LocalClock } from '../../infra/local/clock.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_KEY_ID, LocalJwtIssuer, subjectFor } from '../../infra/local/jwt-issuer.ts';
import { JWKS_FILE, issuerKeys } from '../../infra/localstack/issuer-keys.ts';
import { RouteFunctionFailed } from '../../shared/adapters/route-invoker.ts';
import { authorizerClaims, issuerKeySet, verifyBearerToken, type TokenIssuer } from '../../shared/edge/bearer-token.ts';
import { forwardRestRequest } from '../../shared/edge/forward.ts';
import { httpApiEventFromRest, restResultFromHttpApi } from '../../shared/edge/rest-event.ts';
import { DEFAULT_ROUTE_KEY, RouteTable } from '../../shared/edge/route-table.ts';
import { routeRequest, type HttpEvent } from '../../shared/http/request.ts';

/*
 * The LocalStack variant's API edge (functions/localstack/api-edge.ts): the token check the HTTP
 * API's JWT authorizer makes on AWS, against real tokens of the local issuer, and the payload
 * translation the route functions rely on. No LocalStack, no network: the issuer's keys are made
 * here, and the edge's invocation of a route function is a fake.
 */

const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goodswipe-issuer-'));
afterAll(() => fs.rmSync(keysDir, { recursive: true, force: true }));

const signedAt = new Date('2026-12-01T10:00:00Z');
let localIssuer: LocalJwtIssuer;
let issuer: TokenIssuer;

beforeAll(async () => {
  localIssuer = await LocalJwtIssuer.create(new LocalClock(signedAt, () => 0), await issuerKeys(keysDir));
  const jwks = JSON.parse(fs.readFileSync(path.join(keysDir, JWKS_FILE), 'utf8')) as JSONWebKeySet;
  issuer = { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: issuerKeySet({ set: jwks }) };
});

describe("the edge's bearer token check", () => {
  it("accepts the local issuer's token (as `npm run localstack:sign-in` signs it) until it expires, 7 days on", async () => {
    const { token, sub } = await localIssuer.signIn('alice');
    expect(sub).toBe(subjectFor('alice'));
    const claims = await verifyBearerToken(`Bearer ${token}`, issuer, new Date('2026-12-08T09:59:00Z'));
    expect(claims).toMatchObject({ sub, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, 'cognito:username': 'alice' });
    expect(await verifyBearerToken(`Bearer ${token}`, issuer, new Date('2026-12-08T10:00:01Z'))).toBeUndefined();
  });

  it('keeps the key pair on disk: tokens signed before a restart still verify', async () => {
    const { token } = await localIssuer.signIn('bob');
    const again = await LocalJwtIssuer.create(new LocalClock(signedAt, () => 0), await issuerKeys(keysDir));
    const { token: later } = await again.signIn('bob');
    for (const t of [token, later]) expect((await verifyBearerToken(`Bearer ${t}`, issuer, signedAt))?.sub).toBe(subjectFor('bob'));
    expect(fs.statSync(path.join(keysDir, 'private-key.jwk.json')).mode & 0o077).toBe(0);
  });

  it('refuses a missing, malformed, forged, foreign or wrong-audience token', async () => {
    const sign = async (options: { key?: CryptoKey; iss?: string; aud?: string } = {}) => {
      const key = options.key ?? (await generateKeyPair('ES256')).privateKey;
      return new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: LOCAL_KEY_ID })
        .setSubject('mallory')
        .setIssuer(options.iss ?? LOCAL_ISSUER)
        .setAudience(options.aud ?? LOCAL_AUDIENCE)
        .setIssuedAt(signedAt)
        .setExpirationTime(new Date(signedAt.getTime() + 3_600_000))
        .sign(key);
    };
    const { privateKey } = await issuerKeys(keysDir);
    expect(await verifyBearerToken(`Bearer ${await sign({ key: privateKey })}`, issuer, signedAt)).toMatchObject({ sub: 'mallory' });

    for (const authorization of [
      undefined,
      '',
      'Bearer',
      'Basic YWxpY2U6c2VjcmV0',
      'Bearer not-a-jwt',
      `Bearer ${await sign()}`, // another key, same kid: forged
      `Bearer ${await sign({ key: privateKey, iss: 'https://elsewhere.example' })}`,
      `Bearer ${await sign({ key: privateKey, aud: 'another-api' })}`,
    ]) {
      expect(await verifyBearerToken(authorization, issuer, signedAt), String(authorization)).toBeUndefined();
    }
  });

  it("takes another issuer's RS256 tokens when configured with its keys (-c jwtIssuer, -c jwtJwksUrl)", async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const other: TokenIssuer = {
      issuer: 'https://idp.example',
      audience: 'good-swipe',
      keys: issuerKeySet({ set: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] } }),
    };
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer('https://idp.example')
      .setAudience('good-swipe')
      .setExpirationTime(new Date(signedAt.getTime() + 60_000))
      .sign(privateKey);
    expect((await verifyBearerToken(`Bearer ${token}`, other, signedAt))?.sub).toBe('user-1');
    expect(await verifyBearerToken(`Bearer ${token}`, issuer, signedAt)).toBeUndefined();
  });

  it("hands the claims on as the JWT authorizer does: as strings", () => {
    expect(authorizerClaims({ sub: 'u1', exp: 1_700_000_000, aud: ['a', 'b'] })).toEqual({ sub: 'u1', exp: '1700000000', aud: '["a","b"]' });
  });
});

/** A REST API (payload 1.0) Lambda proxy event as API Gateway sends it. */
function restEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/tournaments/{tournamentId}/leaderboard',
    path: '/tournaments/2026-12-01/leaderboard',
    httpMethod: 'GET',
    headers: { Authorization: 'Bearer x', 'User-Agent': 'curl/8', Host: 'abc.execute-api.localhost.localstack.cloud:4566', Cookie: 'a=1; b=2' },
    multiValueHeaders: {
      Authorization: ['Bearer x'],
      'User-Agent': ['curl/8'],
      Host: ['abc.execute-api.localhost.localstack.cloud:4566'],
      Cookie: ['a=1; b=2'],
      'X-Forwarded-For': ['10.0.0.1', '10.0.0.2'],
    },
    queryStringParameters: { limit: '20', tag: 'b' },
    multiValueQueryStringParameters: { limit: ['20'], tag: ['a', 'b'] },
    pathParameters: { tournamentId: '2026-12-01' },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc',
      authorizer: null,
      domainName: 'abc.execute-api.localhost.localstack.cloud',
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      identity: { sourceIp: '172.17.0.1', userAgent: 'curl/8' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: '/dev/tournaments/2026-12-01/leaderboard',
      stage: 'dev',
      requestId: 'req-1',
      requestTimeEpoch: Date.parse('2026-12-01T11:59:59Z'),
      resourceId: 'r1',
      resourcePath: '/tournaments/{tournamentId}/leaderboard',
    },
    ...overrides,
  };
}

describe('REST API event -> HTTP API event (payload 2.0)', () => {
  const claims = { sub: 'user-1', iss: LOCAL_ISSUER };

  it('gives the route the event shape it reads on AWS', () => {
    const event = httpApiEventFromRest(restEvent(), 'GET /tournaments/{tournamentId}/leaderboard', claims);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /tournaments/{tournamentId}/leaderboard',
      rawPath: '/tournaments/2026-12-01/leaderboard',
      rawQueryString: 'limit=20&tag=a&tag=b',
      // Lower-case names, repeated values joined, cookies apart: what HTTP APIs send.
      headers: { authorization: 'Bearer x', 'user-agent': 'curl/8', 'x-forwarded-for': '10.0.0.1,10.0.0.2' },
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { limit: '20', tag: 'a,b' },
      pathParameters: { tournamentId: '2026-12-01' },
      requestContext: {
        http: { method: 'GET', path: '/tournaments/2026-12-01/leaderboard', sourceIp: '172.17.0.1', userAgent: 'curl/8' },
        routeKey: 'GET /tournaments/{tournamentId}/leaderboard',
        timeEpoch: Date.parse('2026-12-01T11:59:59Z'),
        authorizer: { jwt: { claims, scopes: [] } },
      },
      isBase64Encoded: false,
    });
    expect(event.headers['cookie']).toBeUndefined();
    expect(event.body).toBeUndefined();
  });

  it('is read by the routes as on AWS: the caller, the request time, path, query and body', () => {
    const post = restEvent({ httpMethod: 'POST', body: Buffer.from('{"levelIncrease":2}').toString('base64'), isBase64Encoded: true, headers: { 'Idempotency-Key': 'k-1' }, multiValueHeaders: {} });
    const request = routeRequest(httpApiEventFromRest(post, 'GET /tournaments/{tournamentId}/leaderboard', claims) as HttpEvent, {
      params: z.strictObject({ tournamentId: z.string() }),
      query: z.strictObject({ limit: z.string(), tag: z.string() }),
      body: z.strictObject({ levelIncrease: z.number() }),
    });
    expect(request.userId).toBe('user-1');
    expect(request.now.toISOString()).toBe('2026-12-01T11:59:59.000Z');
    expect(request.params).toEqual({ tournamentId: '2026-12-01' });
    expect(request.query).toEqual({ limit: '20', tag: 'a,b' });
    expect(request.body).toEqual({ levelIncrease: 2 });
    expect(request.header('idempotency-key')).toBe('k-1');
  });

  it('gives the fallback no path parameters, as `$default` has none', () => {
    const event = httpApiEventFromRest(restEvent({ resource: '/{proxy+}', path: '/nope', pathParameters: { proxy: 'nope' } }), DEFAULT_ROUTE_KEY, claims);
    expect(event.pathParameters).toBeUndefined();
    expect(event.requestContext.http.path).toBe('/nope');
  });

  it("passes the route's answer back: status, headers, body; any other value as a 200 JSON", () => {
    expect(restResultFromHttpApi({ statusCode: 409, headers: { 'content-type': 'application/problem+json', 'retry-after': 5 }, body: '{"code":"X"}', cookies: ['s=1'] })).toEqual({
      statusCode: 409,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
      multiValueHeaders: { 'set-cookie': ['s=1'] },
      body: '{"code":"X"}',
      isBase64Encoded: false,
    });
    expect(restResultFromHttpApi({ ok: true })).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', isBase64Encoded: false });
  });
});

describe('the route table', () => {
  const table = new RouteTable({ 'GET /users/me': 'GetMe', 'GET /users/{userId}': 'GetUser', [DEFAULT_ROUTE_KEY]: 'RouteNotFound' });

  it("finds a route's function by API Gateway's route key", () => {
    expect(table.target('GET', '/users/{userId}')).toEqual({ routeKey: 'GET /users/{userId}', functionName: 'GetUser' });
  });

  it('sends another method on a known path, and an unknown path, to the fallback', () => {
    expect(table.target('DELETE', '/users/me')).toEqual({ routeKey: DEFAULT_ROUTE_KEY, functionName: 'RouteNotFound' });
    expect(table.target('GET', '/{proxy+}')).toEqual({ routeKey: DEFAULT_ROUTE_KEY, functionName: 'RouteNotFound' });
  });

  it('needs a fallback', () => {
    expect(() => new RouteTable({ 'GET /users/me': 'GetMe' })).toThrow(/\$default/);
  });
});

describe('a request through the edge', () => {
  const routes = new RouteTable({ 'GET /tournaments/{tournamentId}/leaderboard': 'GetGroupLeaderboard', [DEFAULT_ROUTE_KEY]: 'RouteNotFound' });

  it('is 401 problem+json without a valid token, and reaches no function', async () => {
    const invoke = vi.fn();
    for (const headers of [{}, { Authorization: 'Bearer forged' }]) {
      const response = await forwardRestRequest(restEvent({ headers }), { issuer, routes, invoke });
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it("hands the route's function its HTTP API event with the token's claims, and answers with its answer", async () => {
    const { token, sub } = await localIssuer.signIn('carol');
    const invoke = vi.fn(async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"entries":[]}' }));
    vi.useFakeTimers({ now: signedAt, toFake: ['Date'] });
    try {
      const response = await forwardRestRequest(restEvent({ headers: { authorization: `Bearer ${token}` } }), { issuer, routes, invoke });
      expect(response).toMatchObject({ statusCode: 200, body: '{"entries":[]}' });
    } finally {
      vi.useRealTimers();
    }
    expect(invoke).toHaveBeenCalledOnce();
    const [functionName, event] = invoke.mock.calls[0] as unknown as [string, HttpEvent];
    expect(functionName).toBe('GetGroupLeaderboard');
    expect(event.routeKey).toBe('GET /tournaments/{tournamentId}/leaderboard');
    expect(event.requestContext.authorizer.jwt.claims['sub']).toBe(sub);
  });

  it('answers 500 INTERNAL when the function fails without answering', async () => {
    const { token } = await localIssuer.signIn('dave');
    const invoke = vi.fn(async () => {
      throw new RouteFunctionFailed('GetGroupLeaderboard', 'Unhandled', '{"errorMessage":"boom"}');
    });
    vi.useFakeTimers({ now: signedAt, toFake: ['Date'] });
    try {
      const response = await forwardRestRequest(restEvent({ headers: { Authorization: `Bearer ${token}` } }), { issuer, routes, invoke });
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'INTERNAL' });
      expect(response.body).not.toMatch(/boom/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the fallback function behind the edge', () => {
  it('answers 405 for another method on a known path and 404 for an unknown one, as on AWS', async () => {
    // The stack hands the fallback its routes in KNOWN_ROUTES, read on its first request.
    const known = process.env['KNOWN_ROUTES'];
    process.env['KNOWN_ROUTES'] = JSON.stringify(['GET /users/me']);
    try {
      const { handler } = await import('../../functions/http/route-not-found.ts');
      const context = { functionName: 'RouteNotFound', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 } as Context;
      const claims = { sub: 'user-1' };
      const wrongMethod = await handler(httpApiEventFromRest(restEvent({ resource: '/users/me', path: '/users/me', httpMethod: 'DELETE' }), DEFAULT_ROUTE_KEY, claims) as HttpEvent, context);
      expect(wrongMethod).toMatchObject({ statusCode: 405, headers: { allow: 'GET' } });
      const unknown = await handler(httpApiEventFromRest(restEvent({ resource: '/{proxy+}', path: '/nope', httpMethod: 'GET' }), DEFAULT_ROUTE_KEY, claims) as HttpEvent, context);
      expect(unknown).toMatchObject({ statusCode: 404 });
    } finally {
      if (known === undefined) delete process.env['KNOWN_ROUTES'];
      else process.env['KNOWN_ROUTES'] = known;
    }
  });
});
