import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { EntryIdempotencyTable, GameTable } from '../constructs/data.ts';
import { EntrySaga } from '../constructs/entry-saga.ts';
import { functionsByName, redisKeyPrefix, type GoodSwipeFunction, type WorkloadWiring } from '../constructs/lambda.ts';
import { MaintenanceJobs } from '../constructs/maintenance.ts';
import { RebuildWorkflow } from '../constructs/rebuild-workflow.ts';
import { SealWorkflow } from '../constructs/seal-workflow.ts';
import { scheduledJobs } from '../workloads.ts';
import { ExternalRedis } from './external-redis.ts';
import { PublishedLevelUpEvents } from './level-up-publisher.ts';
import { RestPlayerApi } from './rest-api.ts';
import { ScheduledRules } from './scheduled-rules.ts';
import { functionEnvironment, type LocalStackSettings } from './settings.ts';
import { addSharedOutputs } from '../shared-outputs.ts';

export interface GoodSwipeLocalStackProps extends StackProps {
  readonly stage: string;
  readonly settings: LocalStackSettings;
}

/**
 * `GoodSwipe-<stage>` for a LocalStack on a developer's machine (`cdklocal deploy -c
 * target=localstack`): the AWS stack (infra/stack.ts) with what LocalStack's free plan does not
 * serve swapped out, each swap its own construct (README, "LocalStack", and
 * infra/localstack/coverage.json for what the plan serves):
 *
 * - HTTP API + Cognito JWT authorizer -> REST API + edge function checking the local issuer's tokens (RestPlayerApi);
 * - ElastiCache Serverless in a VPC -> a Redis the developer runs, no VPC (ExternalRedis);
 * - EventBridge Pipe -> stream -> publisher function -> PutEvents (PublishedLevelUpEvents);
 * - EventBridge Scheduler -> EventBridge scheduled rules (ScheduledRules);
 * - left out: CloudWatch alarms, dashboard and their topic and key (Observability: the metrics
 *   they watch are AWS's own), the domain-event archive, the deploy-time Triggers, X-Ray.
 *
 * The table, the entry saga, the seal and rebuild workflows, the maintenance jobs and every
 * game function are the AWS stack's constructs, FunctionSpecs and code.
 */
export class GoodSwipeLocalStack extends Stack {
  readonly table: dynamodb.Table;
  readonly entryIdempotencyTable: dynamodb.Table;
  readonly api: RestPlayerApi;
  readonly cache: ExternalRedis;
  readonly entrySaga: sfn.StateMachine;
  readonly sealWorkflow: sfn.StateMachine;
  readonly rebuildWorkflow: sfn.StateMachine;
  readonly schedules: ScheduledRules;
  readonly levelUpEvents: PublishedLevelUpEvents;
  readonly maintenance: MaintenanceJobs;
  /** Every Lambda function by name: the AWS stack's names, plus the variant's PlayerApiEdge and PublishLevelUps. */
  readonly functions: Readonly<Record<string, GoodSwipeFunction>>;

  constructor(scope: Construct, id: string, props: GoodSwipeLocalStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'good-swipe');
    Tags.of(this).add('stage', props.stage);
    Tags.of(this).add('target', 'localstack');

    // Nothing on a developer's LocalStack outlives `cdklocal destroy`, whatever the stage.
    const removalPolicy = RemovalPolicy.DESTROY;

    const data = new GameTable(this, 'Data', { removalPolicy });
    this.table = data.table;
    this.cache = new ExternalRedis({ ...props.settings.redis, keyPrefix: redisKeyPrefix(props.stage) });

    const wiring: WorkloadWiring = {
      stage: props.stage,
      removalPolicy,
      table: this.table,
      cache: this.cache,
      environment: functionEnvironment(props.settings),
    };
    const entrySaga = new EntrySaga(this, 'EntrySaga', { wiring });
    this.entrySaga = entrySaga.stateMachine;
    const entryIdempotency = new EntryIdempotencyTable(this, 'EntryIdempotency', { removalPolicy });
    this.entryIdempotencyTable = entryIdempotency.table;
    this.api = new RestPlayerApi(this, 'Api', {
      wiring: { ...wiring, entrySaga: entrySaga.stateMachine, entryIdempotency },
      tokens: props.settings.tokens,
      endpoint: props.settings.endpoint,
    });
    this.levelUpEvents = new PublishedLevelUpEvents(this, 'LevelUpEvents', { wiring });
    const sealWorkflow = new SealWorkflow(this, 'SealWorkflow', { wiring: { ...wiring, eventBus: this.levelUpEvents.bus } });
    this.sealWorkflow = sealWorkflow.stateMachine;
    const rebuildWorkflow = new RebuildWorkflow(this, 'RebuildWorkflow', { wiring });
    this.rebuildWorkflow = rebuildWorkflow.stateMachine;
    const workflows = { seal: sealWorkflow.stateMachine, rebuild: rebuildWorkflow.stateMachine };
    this.schedules = new ScheduledRules(this, 'Schedules', { wiring: { ...wiring, workflows } });
    this.maintenance = new MaintenanceJobs(this, 'Maintenance', { wiring: { ...wiring, workflows } });

    this.functions = functionsByName([
      this.api.functions,
      entrySaga.functions,
      sealWorkflow.functions,
      rebuildWorkflow.functions,
      this.schedules.functions,
      this.levelUpEvents.functions,
      this.maintenance.functions,
    ]);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    addSharedOutputs(this);
    // What the deploy-time Triggers run on AWS, for `awslocal lambda invoke` after a deploy (README).
    for (const job of scheduledJobs.filter((spec) => spec.runOnDeploy)) {
      new CfnOutput(this, `${job.name}Function`, { value: this.schedules.functions[job.name]!.functionName });
    }
  }
}
