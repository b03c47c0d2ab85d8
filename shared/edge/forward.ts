import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { FunctionInvoker } from '../adapters/route-invoker.ts';
import { logger } from '../adapters/observability.ts';
import { problem } from '../http/response.ts';
import { authorizerClaims, verifyBearerToken, type TokenIssuer } from './bearer-token.ts';
import { httpApiEventFromRest, restResultFromHttpApi } from './rest-event.ts';
import type { RouteTable } from './route-table.ts';

export interface ApiEdge {
  readonly issuer: TokenIssuer;
  readonly routes: RouteTable;
  readonly invoke: FunctionInvoker;
}

/**
 * One REST API request through the LocalStack variant's edge, as the HTTP API serves it on AWS:
 * every route (and the fallback) needs a valid bearer token, else 401 (as the contract's
 * problem+json, like the local stack; AWS's JWT authorizer answers its own
 * `{"message":"Unauthorized"}`); then the route's function gets its payload 2.0 event with the
 * token's claims, and its answer is the response. A function that fails without answering is a
 * 500 INTERNAL, as the contract has unexpected failures.
 */
export async function forwardRestRequest(event: APIGatewayProxyEvent, edge: ApiEdge): Promise<APIGatewayProxyResult> {
  const authorization = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const claims = await verifyBearerToken(authorization, edge.issuer);
  if (!claims) return restResultFromHttpApi(problem('UNAUTHORIZED', 'missing, expired or forged token'));

  const target = edge.routes.target(event.httpMethod, event.resource);
  try {
    const answer = await edge.invoke(target.functionName, httpApiEventFromRest(event, target.routeKey, authorizerClaims(claims)));
    return restResultFromHttpApi(answer);
  } catch (error) {
    logger.error('route function failed', { routeKey: target.routeKey, error: error as Error });
    return restResultFromHttpApi(problem('INTERNAL', 'an unexpected error occurred'));
  }
}
