import path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionSpec, WorkflowName } from '../workloads.ts';
import { REPO_ROOT } from '../repo-root.ts';

/** infra/constructs -> repository root: handler entries in routes.ts are relative to it. */

/**
 * CloudFormation metadata key naming the function's handler module (repository-relative).
 * The local stack reads it from the synthesized template to import the same handler.
 */
export const ENTRY_METADATA_KEY = 'goodswipe:entry';

export interface GoodSwipeFunctionProps {
  /** Handler module relative to the repository root (exports `handler`), as in routes.ts. */
  readonly entry: string;
  readonly stage: string;
  /** What happens to the function's log group when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Variables added to the project-wide defaults. */
  readonly environment?: Record<string, string>;
  /** Defaults to 10 seconds. */
  readonly timeout?: Duration;
  /** Runs the function in the VPC's isolated subnets with this security group; default: no VPC. */
  readonly network?: FunctionNetwork;
}

export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
}

/** A Node.js Lambda function with the project's runtime, bundling, observability and logging defaults. */
export class GoodSwipeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: GoodSwipeFunctionProps) {
    // The function owns its log group, so retention and removal are explicit (no LogRetention custom resource).
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });

    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.network && {
        vpc: props.network.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [props.network.securityGroup],
      }),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into an ES module still call require(); give them one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // The Node.js 22 runtime ships AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: 'good-swipe',
        // One namespace per stage, so a stage's alarms and dashboard see only its own metrics.
        POWERTOOLS_METRICS_NAMESPACE: `GoodSwipe/${props.stage}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        STAGE: props.stage,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });

    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
  }
}

/** How a function reaches the Redis cache (LeaderboardCache provides it). */
export interface CacheAccess {
  readonly vpc: ec2.IVpc;
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Tokens of the cache's endpoint. */
  readonly endpointAddress: string;
  readonly endpointPort: string;
}

/** What the flags of a FunctionSpec are wired to. */
export interface WorkloadWiring {
  readonly stage: string;
  readonly removalPolicy: RemovalPolicy;
  readonly table: dynamodb.ITable;
  /** Required by specs with `usesRedis`. */
  readonly cache?: CacheAccess;
  /** Required by specs with `startsEntrySaga`. */
  readonly entrySaga?: sfn.IStateMachine;
  /** Required by specs with `startsWorkflow`. */
  readonly workflows?: Partial<Record<WorkflowName, sfn.IStateMachine>>;
}

export interface SpecFunctionOptions {
  /** Defaults to GoodSwipeFunction's 10 seconds. */
  readonly timeout?: Duration;
}

/** Just under API Gateway's 30 s integration limit. */
const SAGA_STARTER_TIMEOUT = Duration.seconds(29);

/** Redis keys of one stage (or one local stack, by its id) share a prefix, so they never collide. */
export const redisKeyPrefix = (stage: string) => `goodswipe:${stage}:`;

/**
 * The one way a FunctionSpec (route, saga step, scheduled job) becomes a Lambda function: the
 * table's name and exactly the spec's table actions (on the table and its indexes); with
 * `usesRedis` the VPC, the cache's client security group and REDIS_URL / REDIS_KEY_PREFIX / REDIS_CLUSTER; with
 * `startsEntrySaga` ENTRY_SAGA_ARN and states:StartSyncExecution on that state machine only.
 */
export function specFunction(
  scope: Construct,
  spec: FunctionSpec,
  wiring: WorkloadWiring,
  options: SpecFunctionOptions = {},
): GoodSwipeFunction {
  const environment: Record<string, string> = { TABLE_NAME: wiring.table.tableName };
  let network: FunctionNetwork | undefined;
  if (spec.usesRedis) {
    const cache = wiring.cache;
    if (!cache) throw new Error(`${spec.name} uses Redis but no cache was wired`);
    // Every serverless cache requires TLS: rediss.
    environment.REDIS_URL = `rediss://${cache.endpointAddress}:${cache.endpointPort}`;
    environment.REDIS_KEY_PREFIX = redisKeyPrefix(wiring.stage);
    // ElastiCache Serverless only runs in cluster mode: the functions use the cluster client.
    environment.REDIS_CLUSTER = 'true';
    network = { vpc: cache.vpc, securityGroup: cache.clientSecurityGroup };
  }
  if (spec.startsEntrySaga) {
    if (!wiring.entrySaga) throw new Error(`${spec.name} starts the entry saga but no state machine was wired`);
    environment.ENTRY_SAGA_ARN = wiring.entrySaga.stateMachineArn;
  }
  const workflow = spec.startsWorkflow && wiring.workflows?.[spec.startsWorkflow];
  if (spec.startsWorkflow) {
    if (!workflow) throw new Error(`${spec.name} starts the ${spec.startsWorkflow} workflow but no state machine was wired`);
    environment[`${spec.startsWorkflow.toUpperCase()}_WORKFLOW_ARN`] = workflow.stateMachineArn;
  }

  const fn = new GoodSwipeFunction(scope, spec.name, {
    entry: spec.entry,
    stage: wiring.stage,
    removalPolicy: wiring.removalPolicy,
    environment,
    // A saga starter waits for the whole saga (25 s at most): give it API Gateway's 29 s.
    timeout: options.timeout ?? (spec.startsEntrySaga ? SAGA_STARTER_TIMEOUT : undefined),
    network,
  });
  // table.grant() with no action would write an empty statement.
  if (spec.tableActions.length > 0) wiring.table.grant(fn, ...spec.tableActions);
  if (spec.startsEntrySaga) wiring.entrySaga?.grant(fn, 'states:StartSyncExecution');
  if (workflow) workflow.grantStartExecution(fn);
  return fn;
}
