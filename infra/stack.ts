import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { PlayerApi } from './constructs/api.ts';
import { PlayerIdentity, type PlayerEmailSender } from './constructs/auth.ts';
import { LeaderboardCache } from './constructs/cache.ts';
import { EntryIdempotencyTable, GameTable } from './constructs/data.ts';
import { EntrySaga } from './constructs/entry-saga.ts';
import { functionsByName, redisKeyPrefix, type GoodSwipeFunction, type WorkloadWiring } from './constructs/lambda.ts';
import { LevelUpEvents } from './constructs/level-up-events.ts';
import { MaintenanceJobs } from './constructs/maintenance.ts';
import { Observability } from './constructs/observability.ts';
import { RebuildWorkflow } from './constructs/rebuild-workflow.ts';
import { SealWorkflow } from './constructs/seal-workflow.ts';
import { TournamentSchedules } from './constructs/schedules.ts';
import { routeKeys } from './routes.ts';
import { entrySagaSteps } from './workloads.ts';
import { addSharedOutputs } from './shared-outputs.ts';

export interface GoodSwipeStackProps extends StackProps {
  readonly stage: string;
  /** Where alarms are emailed (context `alarmEmail`); none: the topic has no subscription. */
  readonly alarmEmail?: string;
  /** Players' emails through SES (context `sesFromEmail`, ...); required on the production stage. */
  readonly playerEmail?: PlayerEmailSender;
}

/** The stage whose data and identities outlive a `cdk destroy`, and whose players get emails through SES. */
export const PRODUCTION_STAGE = 'prod';

/** Everything Good Swipe runs on, for one stage. */
export class GoodSwipeStack extends Stack {
  readonly table: dynamodb.Table;
  /** The enter function's Powertools idempotency records (duplicate entries start no saga). */
  readonly entryIdempotencyTable: dynamodb.Table;
  readonly api: apigw.HttpApi;
  readonly userPool: cognito.UserPool;
  readonly cache: LeaderboardCache;
  readonly entrySaga: sfn.StateMachine;
  /** Seals a day: started by the close schedule. */
  readonly sealWorkflow: sfn.StateMachine;
  /** Rebuilds every Redis board from DynamoDB: started by the RebuildLeaderboards job. */
  readonly rebuildWorkflow: sfn.StateMachine;
  readonly schedules: TournamentSchedules;
  /** The level-up outbox: stream -> pipe -> bus -> rule -> queue -> ScoreLevelUps. */
  readonly levelUpEvents: LevelUpEvents;
  /** On-demand jobs (RebuildLeaderboards). */
  readonly maintenance: MaintenanceJobs;
  /**
   * Every Lambda function of the project by name: the FunctionSpec names of routes.ts and
   * workloads.ts (routes, saga steps, scheduled jobs, the level-up consumer, maintenance jobs)
   * and the fallback's.
   */
  readonly functions: Readonly<Record<string, GoodSwipeFunction>>;
  /** Alarms, their topic and the dashboard. */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: GoodSwipeStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'good-swipe');
    Tags.of(this).add('stage', props.stage);

    const removalPolicy = props.stage === PRODUCTION_STAGE ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const data = new GameTable(this, 'Data', { removalPolicy });
    this.table = data.table;
    if (props.stage === PRODUCTION_STAGE && !props.playerEmail) {
      throw new Error(`stage ${PRODUCTION_STAGE} sends players' emails through SES: give -c sesFromEmail=<a verified SES identity>`);
    }
    const identity = new PlayerIdentity(this, 'Identity', { removalPolicy, email: props.playerEmail });
    this.userPool = identity.userPool;
    this.cache = new LeaderboardCache(this, 'Cache', { stage: props.stage, keyPrefix: redisKeyPrefix(props.stage), removalPolicy });

    const wiring: WorkloadWiring = { stage: props.stage, removalPolicy, table: this.table, cache: this.cache };
    const entrySaga = new EntrySaga(this, 'EntrySaga', { wiring, reserveConcurrency: props.stage === PRODUCTION_STAGE });
    this.entrySaga = entrySaga.stateMachine;
    const entryIdempotency = new EntryIdempotencyTable(this, 'EntryIdempotency', { removalPolicy });
    this.entryIdempotencyTable = entryIdempotency.table;
    const playerApi = new PlayerApi(this, 'Api', {
      stage: props.stage,
      wiring: { ...wiring, entrySaga: entrySaga.stateMachine, entryIdempotency },
      userPool: identity.userPool,
      userPoolClient: identity.userPoolClient,
      removalPolicy,
    });
    this.api = playerApi.httpApi;
    // The game's bus comes first: the seal's FinishSeal publishes TournamentSealed on it.
    this.levelUpEvents = new LevelUpEvents(this, 'LevelUpEvents', { wiring });
    const sealWorkflow = new SealWorkflow(this, 'SealWorkflow', { wiring: { ...wiring, eventBus: this.levelUpEvents.bus } });
    this.sealWorkflow = sealWorkflow.stateMachine;
    const rebuildWorkflow = new RebuildWorkflow(this, 'RebuildWorkflow', { wiring });
    this.rebuildWorkflow = rebuildWorkflow.stateMachine;
    const workflows = { seal: sealWorkflow.stateMachine, rebuild: rebuildWorkflow.stateMachine };
    this.schedules = new TournamentSchedules(this, 'Schedules', { wiring: { ...wiring, workflows }, runOnDeployAfter: [data] });
    this.maintenance = new MaintenanceJobs(this, 'Maintenance', { wiring: { ...wiring, workflows } });

    this.functions = functionsByName([
      playerApi.functions,
      entrySaga.functions,
      sealWorkflow.functions,
      rebuildWorkflow.functions,
      this.schedules.functions,
      this.levelUpEvents.functions,
      this.maintenance.functions,
    ]);

    this.observability = new Observability(this, 'Observability', {
      stage: props.stage,
      alarmEmail: props.alarmEmail,
      api: { httpApi: playerApi.httpApi, stage: playerApi.stage, routeKeys: routeKeys() },
      // The HTTP routes are watched through the API's own metrics; these run out of a caller's sight.
      watchedFunctions: {
        ...entrySaga.functions,
        ...sealWorkflow.functions,
        ...rebuildWorkflow.functions,
        ...this.schedules.functions,
        ...this.levelUpEvents.functions,
        ...this.maintenance.functions,
      },
      entrySagaSteps: Object.values(entrySagaSteps).map((step) => step.name),
      workflows: { entrySaga: this.entrySaga, seal: this.sealWorkflow, rebuild: this.rebuildWorkflow },
      deadLetterQueues: {
        LevelUpDeadLetterQueue: this.levelUpEvents.deadLetterQueue,
        LevelUpPipeDeadLetterQueue: this.levelUpEvents.pipeDeadLetterQueue,
        ScheduleDeadLetterQueue: this.schedules.deadLetterQueue,
        JobOnFailureQueue: this.schedules.onFailureQueue,
      },
      levelUps: { queue: this.levelUpEvents.queue, pipe: this.levelUpEvents.pipe, rule: this.levelUpEvents.rule, bus: this.levelUpEvents.bus },
      table: this.table,
      cacheName: this.cache.cache.serverlessCacheName,
    });

    new CfnOutput(this, 'ApiUrl', { value: playerApi.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: identity.userPoolClient.userPoolClientId });
    addSharedOutputs(this);
    new CfnOutput(this, 'CacheEndpoint', { value: `${this.cache.endpointAddress}:${this.cache.endpointPort}` });
  }
}
