import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { settleWithin } from './lambda-limits.ts';
import type { RequestTarget } from './request-target.ts';

/** An HTTP API waits at most 30 s for its integration (a quota that cannot be raised). */
export const INTEGRATION_TIMEOUT_MS = 30_000;

/** The integration did not answer in time: HTTP API answers 503 Service Unavailable. */
export class IntegrationTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`the integration did not answer within ${timeoutMs / 1000} s`);
    this.name = 'IntegrationTimeout';
  }
}

/**
 * The function's answer as API Gateway waits for it: at most `timeoutMs`. The function itself
 * runs on to its own timeout (the runtime reports that); what it answers after is dropped.
 */
export function withinIntegrationTimeout<T>(invocation: Promise<T>, timeoutMs = INTEGRATION_TIMEOUT_MS): Promise<T> {
  return settleWithin(invocation, timeoutMs, () => new IntegrationTimeout(timeoutMs), () => {});
}

/**
 * API Gateway HTTP API (payload format 2.0) as seen by a Lambda: the event built from a Node
 * request, and the HTTP answer built from the function's result.
 */
export function httpApiEvent(args: {
  request: IncomingMessage;
  target: RequestTarget;
  body: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  claims: JWTPayload | undefined;
  now: Date;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, target, body, routeKey, pathParameters, claims, now } = args;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of target.query) query[name] = name in query ? `${query[name]},${value}` : value;
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey,
    rawPath: target.path,
    rawQueryString: target.rawQuery,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: target.path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      // The JWT authorizer hands claims to the function as strings.
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: Object.fromEntries(Object.entries(claims ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
          scopes: [],
        },
      },
    },
    ...(body.length > 0 ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** Payload 2.0 answers: a structured result, or any other value as a 200 JSON body. */
export function httpApiResult(result: unknown): Required<Pick<APIGatewayProxyStructuredResultV2, 'statusCode' | 'headers'>> & {
  body: string | Buffer;
} {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const body = r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : (r.body ?? '');
    return { statusCode: r.statusCode ?? 200, headers, body };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}
