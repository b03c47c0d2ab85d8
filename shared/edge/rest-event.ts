import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { DEFAULT_ROUTE_KEY } from './route-table.ts';

/*
 * The two API Gateway payloads the LocalStack variant's edge translates between: a REST API's
 * Lambda proxy event (payload 1.0, what LocalStack's free plan serves) in, the HTTP API's payload
 * 2.0 event (what every route function reads on AWS, shared/http/request.ts) out; and the route
 * function's 2.0 answer back as a 1.0 one. Only the shapes change: what the request says and
 * what the function answers pass through as they are.
 */

/**
 * The HTTP API event of a REST API request, for the route `routeKey`, with the verified token's
 * claims where the JWT authorizer puts them. As payload 2.0 has them: header names lower case and
 * repeated headers and query parameters joined with commas, cookies apart, the stage's base path
 * not in the path, no path parameters for `$default`.
 */
export function httpApiEventFromRest(event: APIGatewayProxyEvent, routeKey: string, claims: Readonly<Record<string, string>>): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValued(event.multiValueHeaders, event.headers))) {
    const key = name.toLowerCase();
    headers[key] = [...(headers[key] === undefined ? [] : [headers[key]]), ...values].join(',');
  }
  const cookieHeader = headers['cookie'];
  delete headers['cookie'];
  const cookies = cookieHeader?.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie.length > 0);

  const queryValues = multiValued(event.multiValueQueryStringParameters, event.queryStringParameters);
  const query = Object.fromEntries(Object.entries(queryValues).map(([name, values]) => [name, values.join(',')]));
  const rawQueryString = new URLSearchParams(Object.entries(queryValues).flatMap(([name, values]) => values.map((value): [string, string] => [name, value]))).toString();

  const pathParameters = routeKey === DEFAULT_ROUTE_KEY ? undefined : nonNull(event.pathParameters);
  const context = event.requestContext;
  const timeEpoch = context.requestTimeEpoch;
  return {
    version: '2.0',
    routeKey,
    rawPath: event.path,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      domainName: context.domainName ?? headers['host'] ?? '',
      domainPrefix: context.domainPrefix ?? '',
      http: {
        method: event.httpMethod,
        path: event.path,
        protocol: context.protocol,
        sourceIp: context.identity.sourceIp,
        userAgent: context.identity.userAgent ?? headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey,
      stage: context.stage,
      time: context.requestTime ?? new Date(timeEpoch).toUTCString(),
      timeEpoch,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { ...claims }, scopes: [] } },
    },
    ...(event.body !== null && event.body !== undefined ? { body: event.body } : {}),
    isBase64Encoded: event.isBase64Encoded,
  };
}

/**
 * A payload 2.0 answer as the REST API's Lambda proxy answer: a structured result as it is
 * (cookies as `set-cookie` headers); any other value as the HTTP API would send it, a 200 with
 * the value as JSON.
 */
export function restResultFromHttpApi(result: unknown): APIGatewayProxyResult {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const headers = Object.fromEntries(Object.entries(structured.headers ?? {}).map(([name, value]) => [name, String(value)]));
    return {
      statusCode: structured.statusCode ?? 200,
      headers,
      ...(structured.cookies && structured.cookies.length > 0 ? { multiValueHeaders: { 'set-cookie': [...structured.cookies] } } : {}),
      body: structured.body ?? '',
      isBase64Encoded: structured.isBase64Encoded ?? false,
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
    isBase64Encoded: false,
  };
}

/** A 1.0 event's values by name, from its multi-value map where it has one (REST APIs send both). */
function multiValued(
  multi: Readonly<Record<string, readonly string[] | undefined>> | null | undefined,
  single: Readonly<Record<string, string | undefined>> | null | undefined,
): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(multi ?? {})) if (list !== undefined) values[name] = [...list];
  for (const [name, value] of Object.entries(single ?? {})) if (value !== undefined && values[name] === undefined) values[name] = [value];
  return values;
}

function nonNull(map: Readonly<Record<string, string | undefined>> | null | undefined): Record<string, string> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
