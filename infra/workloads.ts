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
  | 'dynamodb:Query';

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
    name: 'CloseTournament',
    entry: 'functions/jobs/close-tournament.ts',
    schedule: 'cron(0 0 * * ? *)',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    name: 'SweepReservations',
    entry: 'functions/jobs/sweep-reservations.ts',
    schedule: 'rate(1 minute)',
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  },
];
