import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tournamentSealedType } from '../../events/tournament-sealed.ts';
import { levelUpEvents } from '../workloads.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from './lambda.ts';

export interface LevelUpEventsProps {
  /** The consumer is wired with these; `wiring.table` must have a stream (the outbox). */
  readonly wiring: WorkloadWiring;
}

/** The consumer scores a batch of at most 10 level-ups: a few DynamoDB updates and Redis calls. */
const CONSUMER_TIMEOUT = Duration.seconds(10);
/**
 * Consumer invocations at once: 20 batches of 10 at ~100 ms each score ~2,000 level-ups/s, twice
 * the most the API lets through (its stage throttle is 1,000 requests/s).
 */
export const CONSUMER_MAX_CONCURRENCY = 20;
/** How long Lambda gathers messages before invoking the consumer (latency of the leaderboards). */
const MAX_BATCHING_WINDOW = Duration.seconds(1);
/** Receives of one message before it goes to the dead-letter queue (a poison message, not a blip). */
const MAX_RECEIVE_COUNT = 5;
/**
 * How the outbox's stream is read, by the pipe on AWS and by the LocalStack variant's publisher
 * function (infra/localstack/level-up-publisher.ts): batches of 10 (one PutEvents call), from the
 * oldest record the stream holds (a reader created after items were written still publishes
 * what the stream holds, 24 h), each batch delivered up to 10 times before its records go to a
 * dead-letter queue.
 */
export const OUTBOX_STREAM_READ = { batchSize: 10, startingPosition: 'TRIM_HORIZON', maxRetryAttempts: 10 } as const;
/** The pipe logs its failures only: one line per failed delivery, not one per level-up. */
export const PIPE_LOG_LEVEL = 'ERROR';
/** Failed messages and stream records are kept this long for inspection and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
/**
 * How long the archive keeps the domain events for a replay: a consumer (push notifications,
 * analytics) that was down or mishandled a month of days can be replayed from it, as long as the
 * functions' and the workflows' logs go back (a month) to see what happened then. Older history
 * belongs to the consumers' own stores; a day's seal is one event of ~1 KB, so the bound is about
 * keeping data no longer than needed, not cost.
 */
export const DOMAIN_EVENT_ARCHIVE_RETENTION = Duration.days(30);
/**
 * The events other systems consume, which the archive keeps. Not UserLeveledUp: level-ups are
 * the game's own plumbing, with a durable record of their own (the outbox items in the table, the
 * redrive job, 14-day dead-letter queues), and at up to ~1,000 a second they would be nearly all
 * of what the archive stores and bills for.
 */
const ARCHIVED_SOURCES = [tournamentSealedType.source];

/**
 * The outbox's way out: the progress transaction writes a LEVELUP item; the table's stream
 * carries its INSERT through an EventBridge Pipe (filter: new outbox items only; input template:
 * the event's detail) to the game's event bus "good-swipe-<stage>" as `UserLeveledUp`; a rule
 * sends those to an SQS queue read by the ScoreLevelUps function, which reports partial batch
 * failures. A message that keeps failing lands in the dead-letter queue after 5 receives; a stream
 * batch the pipe cannot deliver lands in the pipe's own dead-letter queue. Duplicates are harmless:
 * levels only grow and the consumer scores a level at most once.
 */
export class LevelUpEvents extends Construct {
  /** The game's custom event bus. */
  readonly bus: events.EventBus;
  /** The domain events put on the bus, kept for `aws events start-replay` (ARCHIVED_SOURCES). */
  readonly archive: events.Archive;
  /** `UserLeveledUp` events, waiting for the consumer. */
  readonly queue: sqs.Queue;
  /** Events the consumer (or the rule's delivery) gave up on. */
  readonly deadLetterQueue: sqs.Queue;
  /** Stream records the pipe could not put on the bus. */
  readonly pipeDeadLetterQueue: sqs.Queue;
  readonly pipe: pipes.CfnPipe;
  /** Where the pipe logs its errors. */
  readonly pipeLogGroup: logs.LogGroup;
  /** The role the pipe reads the stream and puts events with. */
  readonly pipeRole: iam.Role;
  readonly rule: events.Rule;
  /** The ScoreLevelUps function. */
  readonly consumer: GoodSwipeFunction;
  /** The consumer by its FunctionSpec name, like the other constructs' `functions`. */
  readonly functions: Record<string, GoodSwipeFunction>;

  constructor(scope: Construct, id: string, props: LevelUpEventsProps) {
    super(scope, id);
    const { wiring } = props;
    const stack = Stack.of(this);
    const streamArn = wiring.table.tableStreamArn;
    if (streamArn === undefined) throw new Error('the level-up outbox needs a table with a stream');

    this.bus = gameEventBus(this, wiring.stage);
    this.archive = new events.Archive(this, 'DomainEventArchive', {
      sourceEventBus: this.bus,
      archiveName: `good-swipe-${wiring.stage}-domain-events`,
      description: 'Domain events of the game bus (TournamentSealed), for replays to their consumers',
      eventPattern: { source: ARCHIVED_SOURCES },
      retention: DOMAIN_EVENT_ARCHIVE_RETENTION,
    });

    // --- stream -> pipe -> bus -------------------------------------------------------------------

    this.pipeDeadLetterQueue = new sqs.Queue(this, 'PipeDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });

    const pipeName = `good-swipe-${wiring.stage}-level-ups`;
    // The pipe's own errors (a batch it could not deliver, its role refused, the target throttled)
    // go here; ERROR level, without the records themselves (they hold player ids, and the DLQ
    // keeps the failed ones).
    this.pipeLogGroup = new logs.LogGroup(this, 'PipeLogs', {
      logGroupName: `/aws/vendedlogs/pipes/${pipeName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: wiring.removalPolicy,
    });
    // Confused-deputy guard: only this account's pipe of this name may use the role.
    this.pipeRole = new iam.Role(this, 'PipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'pipes', resource: 'pipe', resourceName: pipeName }),
          },
        },
      }),
    });
    // Exactly: read this stream, put events on this bus, park undeliverable records in its DLQ.
    const pipePolicy = new iam.Policy(this, 'PipePolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [streamArn],
        }),
        new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.pipeDeadLetterQueue.queueArn] }),
        // EventBridge Pipes writes its CloudWatch logs with the pipe's role.
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.pipeLogGroup.logGroupArn] }),
      ],
    });
    pipePolicy.attachToRole(this.pipeRole);

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      name: pipeName,
      description: 'Level-up outbox items (stream INSERTs of entity LEVELUP) -> UserLeveledUp on the game bus',
      roleArn: this.pipeRole.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: OUTBOX_STREAM_READ.startingPosition,
          batchSize: OUTBOX_STREAM_READ.batchSize,
          maximumRetryAttempts: OUTBOX_STREAM_READ.maxRetryAttempts,
          // A failing batch is split in halves until the failing record is isolated.
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.pipeDeadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(levelUpEvents.pipeFilter) }] },
      },
      logConfiguration: {
        level: PIPE_LOG_LEVEL,
        cloudwatchLogsLogDestination: { logGroupArn: this.pipeLogGroup.logGroupArn },
      },
      target: this.bus.eventBusArn,
      targetParameters: {
        inputTemplate: levelUpEvents.pipeInputTemplate,
        eventBridgeEventBusParameters: { source: levelUpEvents.source, detailType: levelUpEvents.detailType },
      },
    });
    // The pipe validates its role's permissions when it is created: the policy must exist first.
    this.pipe.node.addDependency(pipePolicy);

    // --- bus -> rule -> queue -> consumer ----------------------------------------------------------

    const scoring = levelUpScoring(this, this.bus, wiring);
    this.deadLetterQueue = scoring.deadLetterQueue;
    this.queue = scoring.queue;
    this.rule = scoring.rule;
    this.consumer = scoring.consumer;
    this.functions = { [levelUpEvents.consumer.name]: this.consumer };
  }
}

/** The game's custom event bus "good-swipe-<stage>": level-ups and the seal's TournamentSealed go on it. */
export function gameEventBus(scope: Construct, stage: string): events.EventBus {
  return new events.EventBus(scope, 'Bus', { eventBusName: `good-swipe-${stage}` });
}

/** The level-ups' way from the bus to their scores, the same on every deploy target. */
export interface LevelUpScoring {
  /** Events the consumer (or the rule's delivery) gave up on. */
  readonly deadLetterQueue: sqs.Queue;
  /** `UserLeveledUp` events, waiting for the consumer. */
  readonly queue: sqs.Queue;
  readonly rule: events.Rule;
  /** The ScoreLevelUps function. */
  readonly consumer: GoodSwipeFunction;
}

/**
 * bus -> rule -> queue -> consumer, built in `scope` (whatever puts the events on the bus: the
 * pipe on AWS, the LocalStack variant's publisher function).
 */
export function levelUpScoring(scope: Construct, bus: events.IEventBus, wiring: WorkloadWiring): LevelUpScoring {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // AWS's guidance for an SQS event source: at least 6x the function timeout, plus the batching
    // window, so a message is not handed out again while a (retried) invocation still holds it.
    visibilityTimeout: Duration.seconds(6 * CONSUMER_TIMEOUT.toSeconds() + MAX_BATCHING_WINDOW.toSeconds()),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
  });

  const rule = new events.Rule(scope, 'UserLeveledUpRule', {
    eventBus: bus,
    description: 'UserLeveledUp -> the score queue',
    eventPattern: { source: [levelUpEvents.source], detailType: [levelUpEvents.detailType] },
  });
  // The whole event is the message; an event EventBridge cannot deliver joins the consumer's
  // dead-letter messages (same shape: an EventBridge event), so one redrive path serves both.
  rule.addTarget(
    new eventTargets.SqsQueue(queue, {
      deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    }),
  );

  const consumer = specFunction(scope, levelUpEvents.consumer, wiring, { timeout: CONSUMER_TIMEOUT });
  consumer.addEventSource(
    new SqsEventSource(queue, {
      batchSize: 10,
      maxBatchingWindow: MAX_BATCHING_WINDOW,
      // Only the failed messages of a batch come back; the scored ones are deleted.
      reportBatchItemFailures: true,
      // A backlog (after an outage) drains at this many invocations at once instead of scaling
      // towards the account's quota and starving the entry saga (README, "Concurrency plan").
      maxConcurrency: CONSUMER_MAX_CONCURRENCY,
    }),
  );
  return { deadLetterQueue, queue, rule, consumer };
}
