import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { DEFAULT_ROUTE_KEY } from '../../shared/edge/route-table.ts';
import { ENTRY_ROUTE_KEY, ENTRY_THROTTLE, STAGE_THROTTLE, routeNotFoundFunction } from '../constructs/api.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from '../constructs/lambda.ts';
import { fallbackRoute, httpRoutes } from '../routes.ts';
import { localStackFunctions } from './functions.ts';
import type { TokenIssuerSettings } from './settings.ts';

export interface RestPlayerApiProps {
  /** The route functions are wired with these (table, cache, entry saga), as on AWS. */
  readonly wiring: WorkloadWiring;
  /** Whose bearer tokens the edge accepts. */
  readonly tokens: TokenIssuerSettings;
  /** LocalStack's gateway (settings.ts): the API's URL is a host name under it. */
  readonly endpoint: string;
}

/** Above the longest route function's 29 s (the entry saga's starter), so the route answers, not the edge's timeout. */
const EDGE_TIMEOUT = Duration.seconds(30);

/**
 * The players' API on LocalStack's free plan, instead of the HTTP API and its Cognito JWT
 * authorizer (HTTP APIs and Cognito are paid plans, and the free plan's REST APIs run no
 * authorizers: its CloudFormation has no AWS::ApiGateway::Authorizer and its gateway never
 * invokes one, see infra/localstack/coverage.json).
 *
 * A REST API whose every method (each route of routes.ts, `ANY` on each route's path for a
 * method it lacks, and `ANY /{proxy+}` for unknown paths) is a Lambda proxy integration of one
 * edge function (functions/localstack/api-edge.ts). The edge does what the HTTP API does on AWS:
 * it verifies the bearer token (issuer, audience, signature, expiry) and answers 401 without
 * one, then invokes the route's function with the payload 2.0 event that function gets on AWS,
 * claims in `requestContext.authorizer.jwt`, and returns its answer. So the route functions are
 * the same FunctionSpecs, handlers and code as on AWS, not adapted copies; the edge holds no
 * game logic.
 */
export class RestPlayerApi extends Construct {
  readonly restApi: apigw.RestApi;
  readonly edge: GoodSwipeFunction;
  /** Route functions by route name (routes.ts), the fallback's and the edge's. */
  readonly functions: Record<string, GoodSwipeFunction> = {};
  /** The API's base URL on LocalStack (`http://<id>.execute-api.localhost.localstack.cloud:4566/<stage>/`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RestPlayerApiProps) {
    super(scope, id);
    const { wiring } = props;

    // The route table the edge dispatches by: API Gateway's route keys, as on AWS.
    const routeFunctions: Record<string, GoodSwipeFunction> = {};
    const fallback = routeNotFoundFunction(this, wiring);
    this.functions[fallbackRoute.name] = fallback;
    for (const route of httpRoutes) {
      const fn = specFunction(this, route, wiring);
      this.functions[route.name] = fn;
      routeFunctions[`${route.method} ${route.path}`] = fn;
    }
    routeFunctions[DEFAULT_ROUTE_KEY] = fallback;

    this.edge = specFunction(this, localStackFunctions.apiEdge, wiring, {
      timeout: EDGE_TIMEOUT,
      environment: {
        ROUTE_FUNCTIONS: Stack.of(this).toJsonString(
          Object.fromEntries(Object.entries(routeFunctions).map(([routeKey, fn]) => [routeKey, fn.functionName])),
        ),
        JWT_ISSUER: props.tokens.issuer,
        JWT_AUDIENCE: props.tokens.audience,
        ...('url' in props.tokens.jwks ? { JWT_JWKS_URL: props.tokens.jwks.url } : { JWT_JWKS: JSON.stringify(props.tokens.jwks.set) }),
      },
    });
    this.functions[localStackFunctions.apiEdge.name] = this.edge;
    for (const fn of Object.values(routeFunctions)) fn.grantInvoke(this.edge);

    const [entryMethod, entryPath] = ENTRY_ROUTE_KEY.split(' ') as [string, string];
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `good-swipe-${wiring.stage}`,
      description: 'Good Swipe players API (LocalStack variant: every method goes through the edge function)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-level CloudWatch role is for execution logs on AWS; LocalStack has no use for it.
      cloudWatchRole: false,
      deployOptions: {
        stageName: wiring.stage,
        // The HTTP API's throttles, kept for parity (LocalStack does not enforce them).
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
        methodOptions: {
          [`${entryPath}/${entryMethod}`]: { throttlingRateLimit: ENTRY_THROTTLE.rateLimit, throttlingBurstLimit: ENTRY_THROTTLE.burstLimit },
        },
      },
    });

    // One permission for the whole API rather than one per method: every method invokes the edge.
    const toEdge = new apigw.LambdaIntegration(this.edge, { scopePermissionToMethod: false });
    const root = this.restApi.root;
    root.addMethod('ANY', toEdge);
    root.addProxy({ defaultIntegration: toEdge, anyMethod: true });
    for (const route of httpRoutes) {
      const resource = root.resourceForPath(route.path);
      resource.addMethod(route.method, toEdge);
      // Another method on a known path: the edge hands it to the fallback (405 METHOD_NOT_ALLOWED).
      if (!resource.node.tryFindChild('ANY')) resource.addMethod('ANY', toEdge);
    }

    const endpoint = new URL(props.endpoint);
    this.url = Fn.join('', [`${endpoint.protocol}//`, this.restApi.restApiId, `.execute-api.${endpoint.host}/${wiring.stage}/`]);
  }
}
