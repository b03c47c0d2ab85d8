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
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
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
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  },
} as const satisfies Record<string, FunctionSpec>;

export interface ScheduledJobSpec extends FunctionSpec {
  /** EventBridge Scheduler expression, evaluated in UTC. */
  readonly schedule: string;
  /** Also run once when the stack is deployed (a CDK Trigger), e.g. to create today's tournament. */
  readonly runOnDeploy?: boolean;
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
    tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  },
  {
    // At 00:00, and every minute until 02:59: it seals yesterday's tournament only once every
    // level-up of that day has been scored (a drain check), which may take a moment.
    name: 'CloseTournament',
    entry: 'functions/jobs/close-tournament.ts',
    schedule: 'cron(* 0-2 * * ? *)',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
  },
  {
    name: 'SweepReservations',
    entry: 'functions/jobs/sweep-reservations.ts',
    schedule: 'rate(1 minute)',
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  },
];

/**
 * Level-up events: the progress transaction writes an outbox item (entity LEVELUP); the table's
 * stream carries its INSERT through an EventBridge Pipe (filter below) to the game's event bus as
 * `UserLeveledUp`; a rule sends those to an SQS queue (with a DLQ) read by this function, which
 * reports partial batch failures.
 */
export const levelUpEvents = {
  source: 'goodswipe.progress',
  detailType: 'UserLeveledUp',
  /** The Pipe's filter on stream records: new outbox items only. */
  pipeFilter: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['LEVELUP'] } } } },
  /** The Pipe's input template: the event's detail, from the outbox item's attributes. */
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

/** Run on demand (`aws lambda invoke`, or `npm run leaderboards:rebuild` locally): Redis from DynamoDB. */
export const maintenanceJobs: readonly FunctionSpec[] = [
  {
    name: 'RebuildLeaderboards',
    entry: 'functions/jobs/rebuild-leaderboards.ts',
    tableActions: ['dynamodb:Scan'],
    usesRedis: true,
  },
];
