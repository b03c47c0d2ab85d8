import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { JSONWebKeySet } from 'jose';
import { lambdaInvoker } from '../../shared/adapters/route-invoker.ts';
import { issuerKeySet } from '../../shared/edge/bearer-token.ts';
import { forwardRestRequest, type ApiEdge } from '../../shared/edge/forward.ts';
import { RouteTable } from '../../shared/edge/route-table.ts';
import { apiEdgeConfig } from '../../shared/localstack-config.ts';
import { lambdaMiddy } from '../../shared/lambda/lambda-middy.ts';
import { once } from '../../shared/once.ts';

const edge = once((): ApiEdge => {
  const { ROUTE_FUNCTIONS, JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS, JWT_JWKS_URL } = apiEdgeConfig();
  return {
    issuer: {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      keys: issuerKeySet(JWT_JWKS_URL ? { url: JWT_JWKS_URL } : { set: JWT_JWKS as JSONWebKeySet }),
    },
    routes: new RouteTable(ROUTE_FUNCTIONS),
    invoke: lambdaInvoker(new LambdaClient({})),
  };
});

/**
 * The LocalStack variant's API edge: every REST API request, its bearer token checked, handed to
 * the route's function as the HTTP API event it gets on AWS (infra/localstack/rest-api.ts).
 */
export const handler = lambdaMiddy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) => forwardRestRequest(event, edge()));
