import path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionSpec, WorkflowName } from '../workloads.ts';
import type { EntryIdempotencyTable } from './data.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from './bundling.ts';
import { SERVICE_NAME } from '../../shared/adapters/service-name.ts';

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
  /** Reserved concurrency (guaranteed, and a cap); default: none, the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number;
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
      ...(props.reservedConcurrentExecutions !== undefined && { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      logGroup,
      bundling: {
        ...LAMBDA_BUNDLING,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        // One namespace per stage, so a stage's alarms and dashboard see only its own metrics.
        POWERTOOLS_METRICS_NAMESPACE: `GoodSwipe/${props.stage}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        STAGE: props.stage,
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        ...props.environment,
      },
    });

    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
  }
}

/**
 * How a function reaches the Redis cache: ElastiCache on AWS (LeaderboardCache), or a Redis the
 * developer runs for the LocalStack variant (infra/localstack/external-redis.ts).
 */
export interface CacheAccess {
  /** The REDIS_* variables of a function that uses the cache, in the order they are set. */
  readonly redisEnvironment: Readonly<Record<string, string>>;
  /** Where such a function runs; none: outside any VPC. */
  readonly network?: FunctionNetwork;
  /** Lets `grantee` connect (IAM authentication on ElastiCache; nothing for a Redis without IAM). */
  grantConnect(grantee: iam.IGrantable): void;
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
  /** Required by specs with `usesEntryIdempotency`. */
  readonly entryIdempotency?: EntryIdempotencyTable;
  /** Required by specs with `startsWorkflow`. */
  readonly workflows?: Partial<Record<WorkflowName, sfn.IStateMachine>>;
  /** The game's event bus; required by specs with `publishesDomainEvents`. */
  readonly eventBus?: events.IEventBus;
  /**
   * Variables every function of this wiring gets before its own: the LocalStack variant's service
   * endpoints (infra/localstack/settings.ts). None on AWS.
   */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface SpecFunctionOptions {
  /** Defaults to GoodSwipeFunction's 10 seconds. */
  readonly timeout?: Duration;
  readonly reservedConcurrentExecutions?: number;
  /** Variables beyond what the spec's flags give (after them). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Every function of a stack by name, from its constructs' `functions`; a name used twice is a bug. */
export function functionsByName(groups: readonly Readonly<Record<string, GoodSwipeFunction>>[]): Record<string, GoodSwipeFunction> {
  const functions: Record<string, GoodSwipeFunction> = {};
  for (const group of groups) {
    for (const [name, fn] of Object.entries(group)) {
      if (functions[name]) throw new Error(`two functions are named ${name}`);
      functions[name] = fn;
    }
  }
  return functions;
}

/** Just under API Gateway's 30 s integration limit. */
const SAGA_STARTER_TIMEOUT = Duration.seconds(29);

/** Redis keys of one stage (or one local stack, by its id) share a prefix, so they never collide. */
export const redisKeyPrefix = (stage: string) => `goodswipe:${stage}:`;

/**
 * The one way a FunctionSpec (route, saga step, scheduled job) becomes a Lambda function: the
 * table's name and exactly the spec's table actions (on the table and its indexes); with
 * `usesRedis` the cache's REDIS_* variables, network and connect grant (on AWS: the VPC, the
 * cache's client security group and elasticache:Connect as the cache's user); with
 * `startsEntrySaga` ENTRY_SAGA_ARN and states:StartSyncExecution on that state machine only; with
 * `usesEntryIdempotency` ENTRY_IDEMPOTENCY_TABLE_NAME and Powertools' actions on that table only; with
 * `publishesDomainEvents` EVENT_BUS_NAME and events:PutEvents on the game's bus only.
 */
export function specFunction(
  scope: Construct,
  spec: FunctionSpec,
  wiring: WorkloadWiring,
  options: SpecFunctionOptions = {},
): GoodSwipeFunction {
  const environment: Record<string, string> = { ...wiring.environment, TABLE_NAME: wiring.table.tableName };
  let network: FunctionNetwork | undefined;
  if (spec.usesRedis) {
    const cache = wiring.cache;
    if (!cache) throw new Error(`${spec.name} uses Redis but no cache was wired`);
    Object.assign(environment, cache.redisEnvironment);
    network = cache.network;
  }
  if (spec.startsEntrySaga) {
    if (!wiring.entrySaga) throw new Error(`${spec.name} starts the entry saga but no state machine was wired`);
    environment.ENTRY_SAGA_ARN = wiring.entrySaga.stateMachineArn;
  }
  if (spec.usesEntryIdempotency) {
    if (!wiring.entryIdempotency) throw new Error(`${spec.name} uses entry idempotency but no idempotency table was wired`);
    environment.ENTRY_IDEMPOTENCY_TABLE_NAME = wiring.entryIdempotency.table.tableName;
  }
  const workflow = spec.startsWorkflow && wiring.workflows?.[spec.startsWorkflow];
  if (spec.startsWorkflow) {
    if (!workflow) throw new Error(`${spec.name} starts the ${spec.startsWorkflow} workflow but no state machine was wired`);
    environment[`${spec.startsWorkflow.toUpperCase()}_WORKFLOW_ARN`] = workflow.stateMachineArn;
  }
  if (spec.publishesDomainEvents) {
    if (!wiring.eventBus) throw new Error(`${spec.name} publishes domain events but no event bus was wired`);
    environment.EVENT_BUS_NAME = wiring.eventBus.eventBusName;
  }
  Object.assign(environment, options.environment);

  const fn = new GoodSwipeFunction(scope, spec.name, {
    entry: spec.entry,
    stage: wiring.stage,
    removalPolicy: wiring.removalPolicy,
    environment,
    // A saga starter waits for the whole saga (25 s at most): give it API Gateway's 29 s.
    timeout: options.timeout ?? (spec.startsEntrySaga ? SAGA_STARTER_TIMEOUT : undefined),
    network,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
  });
  // table.grant() with no action would write an empty statement.
  if (spec.tableActions.length > 0) wiring.table.grant(fn, ...spec.tableActions);
  if (spec.usesRedis) wiring.cache?.grantConnect(fn);
  if (spec.startsEntrySaga) wiring.entrySaga?.grant(fn, 'states:StartSyncExecution');
  if (spec.usesEntryIdempotency) wiring.entryIdempotency?.grantRecords(fn);
  if (workflow) workflow.grantStartExecution(fn);
  // events:PutEvents on this bus's ARN only (not the account's other buses).
  if (spec.publishesDomainEvents) wiring.eventBus?.grantPutEventsTo(fn);
  return fn;
}
