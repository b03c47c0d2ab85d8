import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fallbackRoute, httpRoutes, routeKeys } from '../routes.ts';
import { GoodSwipeFunction } from './lambda.ts';

export interface PlayerApiProps {
  readonly stage: string;
  readonly table: dynamodb.ITable;
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
    const fallback = this.addFunction(fallbackRoute.name, fallbackRoute.entry, props, {
      KNOWN_ROUTES: JSON.stringify(routeKeys()),
    });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `good-swipe-${props.stage}`,
      defaultAuthorizer: authorizer,
      defaultIntegration: new HttpLambdaIntegration(`${fallbackRoute.name}Integration`, fallback),
      // The default stage is declared below: HttpApi's own cannot take throttling or access logs.
      createDefaultStage: false,
    });

    for (const route of httpRoutes) {
      const fn = this.addFunction(route.name, route.entry, props, { TABLE_NAME: props.table.tableName });
      props.table.grant(fn, ...route.tableActions);
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
      });
    }

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { burstLimit: 2000, rateLimit: 1000 },
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
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            latency: AccessLogField.contextResponseLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
          }),
        ),
      },
    });
  }

  private addFunction(
    name: string,
    entry: string,
    props: PlayerApiProps,
    environment: Record<string, string>,
  ): GoodSwipeFunction {
    const fn = new GoodSwipeFunction(this, name, {
      entry,
      stage: props.stage,
      removalPolicy: props.removalPolicy,
      environment,
    });
    this.functions[name] = fn;
    return fn;
  }
}
