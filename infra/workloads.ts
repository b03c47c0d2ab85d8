import { userLeveledUpType } from '../events/user-leveled-up.ts';
import { LEVEL_UP_ENTITY } from '../shared/adapters/dynamo/items/level-up.ts';

/**
 * The functions that are not HTTP routes: the entry saga's steps and the scheduled jobs. The CDK
 * stack builds them from these lists; the local stack finds them again through the template.
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:BatchGetItem';

/** The Standard state machines a function may start (infra/constructs/seal-workflow.ts, rebuild-workflow.ts). */
export type WorkflowName = 'seal' | 'rebuild';

export interface FunctionSpec {
  /** PascalCase name; the Lambda function's construct id. */
  readonly name: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** DynamoDB actions the function needs on the table and its indexes (least privilege). */
  readonly tableActions: readonly TableAction[];
  /** Talks to the Redis cache: runs in the VPC and gets REDIS_URL / REDIS_KEY_PREFIX. */
  readonly usesRedis?: boolean;
  /** Starts the entry saga synchronously: gets ENTRY_SAGA_ARN and states:StartSyncExecution. */
  readonly startsEntrySaga?: boolean;
  /**
   * Collapses duplicate entries with Powertools idempotency: gets ENTRY_IDEMPOTENCY_TABLE_NAME and
   * the persistence's actions on that table only (not part of `tableActions`, which are the game table's).
   */
  readonly usesEntryIdempotency?: boolean;
  /** Starts a Standard workflow: gets its ARN (SEAL_WORKFLOW_ARN, REBUILD_WORKFLOW_ARN) and states:StartExecution on it. */
  readonly startsWorkflow?: WorkflowName;
  /** Puts domain events on the game's bus: gets EVENT_BUS_NAME and events:PutEvents on that bus only. */
  readonly publishesDomainEvents?: boolean;
}

/**
 * The entry saga, in order. Each step is one Task state of the same name (one Lambda, one
 * DynamoDB transaction). A failure after ReserveCoins is caught and compensated by
 * RefundReservation, then the execution fails with the original error.
 */
export const entrySagaSteps = {
  validate: {
    name: 'ValidateEntry',
    entry: 'functions/saga/validate-entry.ts',
    tableActions: ['dynamodb:GetItem'],
  },
  reserve: {
    name: 'ReserveCoins',
    entry: 'functions/saga/reserve-coins.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  join: {
    name: 'JoinGroup',
    entry: 'functions/saga/join-group.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
    usesRedis: true,
  },
  confirm: {
    name: 'ConfirmReservation',
    entry: 'functions/saga/confirm-reservation.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  refund: {
    name: 'RefundReservation',
    entry: 'functions/saga/refund-reservation.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    // A join that committed before its step failed is not refunded: the member goes on the board.
    usesRedis: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export interface ScheduledJobSpec extends FunctionSpec {
  /** EventBridge Scheduler expression, evaluated in UTC. */
  readonly schedule: string;
  /** Also run once when the stack is deployed (a CDK Trigger), e.g. to create today's tournament. */
  readonly runOnDeploy?: boolean;
  /**
   * Each run does all that is due up to its scheduled time (a sweep settles every reservation
   * abandoned before it), so of several missed runs only the last matters: the local stack makes
   * only that one when its clock jumps (see infra/local/scheduler.ts).
   */
  readonly catchUp?: boolean;
}

/**
 * Scheduled jobs. Each receives `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`, so it
 * acts for the time it was scheduled for, even when it runs late or is replayed.
 */
export const scheduledJobs: readonly ScheduledJobSpec[] = [
  {
    name: 'CreateTournament',
    entry: 'functions/jobs/create-tournament.ts',
    schedule: 'cron(0 0 * * ? *)',
    runOnDeploy: true,
    // One conditional put: an existing tournament is left as it is.
    tableActions: ['dynamodb:PutItem'],
  },
  {
    // At 00:00 UTC it starts the seal workflow of yesterday (below), which waits for the day's
    // level-ups to be scored. The runs at 01:00 and 02:00 only matter if that start failed: the
    // execution's name derives from the day, so a second start changes nothing.
    name: 'CloseTournament',
    entry: 'functions/jobs/close-tournament.ts',
    schedule: 'cron(0 0-2 * * ? *)',
    tableActions: ['dynamodb:GetItem'],
    startsWorkflow: 'seal',
  },
  {
    // A global board that Redis lost (restarted empty, a new cache) is rebuilt without a human;
    // on deploy too, so a new stage's empty board is marked complete (README, "Cache loss").
    name: 'WatchLeaderboards',
    entry: 'functions/jobs/watch-leaderboards.ts',
    schedule: 'rate(1 minute)',
    runOnDeploy: true,
    // Only the latest look at the board matters.
    catchUp: true,
    tableActions: [],
    usesRedis: true,
    startsWorkflow: 'rebuild',
  },
  {
    name: 'SweepReservations',
    entry: 'functions/jobs/sweep-reservations.ts',
    schedule: 'rate(1 minute)',
    catchUp: true,
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
    // A joined member its saga never showed goes on the group board before the entry is confirmed.
    usesRedis: true,
  },
];

/**
 * The seal workflow's steps (a Step Functions Standard state machine, infra/constructs/seal-workflow.ts),
 * one Task state each, named as here. Each invocation does a bounded piece of the seal.
 */
export const sealWorkflowSteps = {
  checkScores: {
    name: 'CheckScores',
    entry: 'functions/seal/check-scores.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
  },
  plan: {
    name: 'PlanSeal',
    entry: 'functions/seal/plan-seal.ts',
    tableActions: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
  },
  sealBatch: {
    name: 'SealGroupBatch',
    entry: 'functions/seal/seal-group-batch.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
  },
  finish: {
    name: 'FinishSeal',
    entry: 'functions/seal/finish-seal.ts',
    // The close, then a consistent read of what it committed: the TournamentSealed event's content.
    tableActions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
    publishesDomainEvents: true,
  },
} as const satisfies Record<string, FunctionSpec>;

/**
 * Level-up events: the progress transaction writes an outbox item (entity LEVELUP); the table's
 * stream carries its INSERT through an EventBridge Pipe (filter below) to the game's event bus as
 * `UserLeveledUp`; a rule sends those to an SQS queue (with a DLQ) read by this function, which
 * reports partial batch failures.
 */
export const levelUpEvents = {
  ...userLeveledUpType,
  /** The Pipe's filter on stream records: new outbox items only. */
  pipeFilter: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: [LEVEL_UP_ENTITY] } } } },
  /**
   * The Pipe's input template: the event's detail, from the outbox item's attributes. Every
   * placeholder stands for a string (a stream image holds numbers as strings too), so each is
   * quoted; the consumer's schema reads the levels back as numbers. Only values that cannot hold
   * a quote are passed (ids, numbers, a timestamp): a display name is read by the consumer.
   */
  pipeInputTemplate:
    '{"eventId": "<$.dynamodb.NewImage.eventId.S>", "userId": "<$.dynamodb.NewImage.userId.S>", ' +
    '"fromLevel": "<$.dynamodb.NewImage.fromLevel.N>", ' +
    '"toLevel": "<$.dynamodb.NewImage.toLevel.N>", "at": "<$.dynamodb.NewImage.at.S>"}',
  consumer: {
    name: 'ScoreLevelUps',
    entry: 'functions/events/score-level-ups.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    usesRedis: true,
  },
} as const satisfies { consumer: FunctionSpec } & Record<string, unknown>;

/** Run on demand (`aws lambda invoke`, or `npm run job -- <file name>` locally). */
export const maintenanceJobs: readonly FunctionSpec[] = [
  {
    // After level-up messages dead-lettered (a bug, a long outage): score them from the outbox.
    name: 'RedriveLevelUps',
    entry: 'functions/jobs/redrive-level-ups.ts',
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
    usesRedis: true,
  },
  {
    // After the cache was lost or flushed: starts the rebuild workflow (below).
    name: 'RebuildLeaderboards',
    entry: 'functions/jobs/rebuild-leaderboards.ts',
    tableActions: [],
    startsWorkflow: 'rebuild',
  },
];

/**
 * The rebuild workflow's steps (a Step Functions Standard state machine,
 * infra/constructs/rebuild-workflow.ts): every Redis board from DynamoDB, the global board through
 * a parallel scan swapped in atomically, the group boards in batches.
 */
export const rebuildWorkflowSteps = {
  begin: {
    name: 'BeginRebuild',
    entry: 'functions/rebuild/begin-rebuild.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    usesRedis: true,
  },
  scanSegment: {
    name: 'ScanProfilesSegment',
    entry: 'functions/rebuild/scan-profiles-segment.ts',
    tableActions: ['dynamodb:Scan'],
    usesRedis: true,
  },
  commit: {
    name: 'CommitGlobalRebuild',
    entry: 'functions/rebuild/commit-rebuild.ts',
    tableActions: [],
    usesRedis: true,
  },
  groupBatch: {
    name: 'RebuildGroupBatch',
    entry: 'functions/rebuild/rebuild-group-batch.ts',
    tableActions: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
    usesRedis: true,
  },
} as const satisfies Record<string, FunctionSpec>;
