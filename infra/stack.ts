import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { PlayerApi } from './constructs/api.ts';
import { PlayerIdentity } from './constructs/auth.ts';
import { GameTable } from './constructs/data.ts';

export interface GoodSwipeStackProps extends StackProps {
  readonly stage: string;
}

/** The stage whose data and identities outlive a `cdk destroy`. */
const PRODUCTION_STAGE = 'prod';

/** Everything Good Swipe runs on, for one stage. */
export class GoodSwipeStack extends Stack {
  readonly table: dynamodb.Table;
  readonly api: apigw.HttpApi;
  readonly userPool: cognito.UserPool;
  /** Lambda functions by name: the route names of routes.ts and the fallback's. */
  readonly functions: Readonly<Record<string, NodejsFunction>>;

  constructor(scope: Construct, id: string, props: GoodSwipeStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'good-swipe');
    Tags.of(this).add('stage', props.stage);

    const removalPolicy = props.stage === PRODUCTION_STAGE ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new GameTable(this, 'Data', { removalPolicy }).table;
    const identity = new PlayerIdentity(this, 'Identity', { removalPolicy });
    this.userPool = identity.userPool;
    const playerApi = new PlayerApi(this, 'Api', {
      stage: props.stage,
      table: this.table,
      userPool: identity.userPool,
      userPoolClient: identity.userPoolClient,
      removalPolicy,
    });
    this.api = playerApi.httpApi;
    this.functions = playerApi.functions;

    new CfnOutput(this, 'ApiUrl', { value: playerApi.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}
