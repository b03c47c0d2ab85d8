import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fallbackRoute, httpRoutes, routeKeys } from '../routes.ts';
import { GoodSwipeFunction, specFunction, type WorkloadWiring } from './lambda.ts';

/** The route that starts the entry saga, and its own throttle (requests per second, burst). */
export const ENTRY_ROUTE_KEY = 'POST /tournaments/current/entries';
export const ENTRY_THROTTLE = { rateLimit: 500, burstLimit: 1000 } as const;
/** Every other route's (the stage's) throttle. */
export const STAGE_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;

export interface PlayerApiProps {
  readonly stage: string;
  /** The route functions are wired with these (table, cache, entry saga). */
  readonly wiring: WorkloadWiring;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Applied to the functions' and the access log's log groups. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The players' HTTP API: every route of routes.ts (and the `$default` fallback) behind the
 * Cognito JWT authorizer, one Lambda function per route.
 */
export class PlayerApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** Route functions by route name (routes.ts), plus the fallback's. */
  readonly functions: Record<string, GoodSwipeFunction> = {};

  constructor(scope: Construct, id: string, props: PlayerApiProps) {
    super(scope, id);

    const authorizer = new HttpUserPoolAuthorizer('PlayerJwt', props.userPool, {
      userPoolClients: [props.userPoolClient],
      identitySource: ['$request.header.Authorization'],
    });

    // Unmatched requests reach this function through `$default`, still behind the authorizer,
    // so a caller without a token gets 401 before learning which routes exist.
    const fallback = routeNotFoundFunction(this, props.wiring);
    this.functions[fallbackRoute.name] = fallback;

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `good-swipe-${props.stage}`,
      defaultAuthorizer: authorizer,
      defaultIntegration: new HttpLambdaIntegration(`${fallbackRoute.name}Integration`, fallback),
      // The default stage is declared below: HttpApi's own cannot take throttling or access logs.
      createDefaultStage: false,
    });

    const entryRoutes: apigw.HttpRoute[] = [];
    for (const route of httpRoutes) {
      const fn = specFunction(this, route, props.wiring);
      this.functions[route.name] = fn;
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
      });
      if (`${route.method} ${route.path}` === ENTRY_ROUTE_KEY) entryRoutes.push(...added);
    }

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { ...STAGE_THROTTLE },
      // Per-route Count, 4xx, 5xx and Latency: the dashboard's golden signals by route.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(
          new logs.LogGroup(this, 'AccessLogs', {
            retention: logs.RetentionDays.ONE_MONTH,
            removalPolicy: props.removalPolicy,
          }),
        ),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            ip: AccessLogField.contextIdentitySourceIp(),
            method: AccessLogField.contextHttpMethod(),
            path: AccessLogField.contextPath(),
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            latency: AccessLogField.contextResponseLatency(),
            integrationStatus: AccessLogField.contextIntegrationStatus(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
            authorizerError: AccessLogField.contextAuthorizerError(),
          }),
        ),
      },
    });

    // An entry runs a saga (an Express execution and four step functions): its route gets a
    // tighter limit than the stage's, so a rush of entries cannot take every Lambda instance
    // from the other routes (429s are answered by API Gateway itself, before any function).
    (this.stage.node.defaultChild as apigw.CfnStage).addPropertyOverride('RouteSettings', {
      [ENTRY_ROUTE_KEY]: { ThrottlingRateLimit: ENTRY_THROTTLE.rateLimit, ThrottlingBurstLimit: ENTRY_THROTTLE.burstLimit },
    });
    // Route settings name an existing route: the stage is created (or updated) after it.
    if (entryRoutes.length === 0) throw new Error(`no route ${ENTRY_ROUTE_KEY} to throttle`);
    this.stage.node.addDependency(...entryRoutes);
  }
}

/**
 * The function of unmatched requests (routes.ts `fallbackRoute`), told the API's routes. Not a
 * FunctionSpec: it touches no table, cache or workflow.
 */
export function routeNotFoundFunction(scope: Construct, wiring: WorkloadWiring): GoodSwipeFunction {
  return new GoodSwipeFunction(scope, fallbackRoute.name, {
    entry: fallbackRoute.entry,
    stage: wiring.stage,
    removalPolicy: wiring.removalPolicy,
    environment: { ...wiring.environment, KNOWN_ROUTES: JSON.stringify(routeKeys()) },
  });
}
