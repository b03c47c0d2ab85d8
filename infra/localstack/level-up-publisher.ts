import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION, OUTBOX_STREAM_READ, gameEventBus, levelUpScoring } from '../constructs/level-up-events.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from '../constructs/lambda.ts';
import { levelUpEvents } from '../workloads.ts';
import { localStackFunctions } from './functions.ts';

export interface PublishedLevelUpEventsProps {
  /** `wiring.table` must have a stream (the outbox). */
  readonly wiring: WorkloadWiring;
}

/**
 * The level-up outbox on LocalStack's free plan, which has no EventBridge Pipes: the table's
 * stream feeds a small function (functions/localstack/publish-level-ups.ts) that puts each new
 * outbox item on the game's bus with PutEvents, as the pipe does on AWS: the same stream read
 * (OUTBOX_STREAM_READ), the same filter (levelUpEvents.pipeFilter, as the event source mapping's
 * filter), and the same envelope (source, detail-type, and the detail rendered from the pipe's
 * own input template, passed to the function rather than written twice). From the bus on,
 * everything is the AWS stack's (levelUpScoring: rule -> queue -> ScoreLevelUps).
 *
 * Not here: the domain-event archive (no AWS::Events::Archive in the free plan's CloudFormation).
 */
export class PublishedLevelUpEvents extends Construct {
  readonly bus: events.EventBus;
  /** Stream records the publisher gave up on (as the pipe's DLQ; LocalStack does not deliver them yet, see coverage.json). */
  readonly publisherDeadLetterQueue: sqs.Queue;
  readonly publisher: GoodSwipeFunction;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;
  readonly consumer: GoodSwipeFunction;
  /** The publisher and the consumer by their FunctionSpec names. */
  readonly functions: Record<string, GoodSwipeFunction>;

  constructor(scope: Construct, id: string, props: PublishedLevelUpEventsProps) {
    super(scope, id);
    const { wiring } = props;
    if (wiring.table.tableStreamArn === undefined) throw new Error('the level-up outbox needs a table with a stream');

    this.bus = gameEventBus(this, wiring.stage);

    this.publisherDeadLetterQueue = new sqs.Queue(this, 'PublisherDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.publisher = specFunction(this, localStackFunctions.levelUpPublisher, { ...wiring, eventBus: this.bus }, {
      environment: {
        LEVEL_UP_SOURCE: levelUpEvents.source,
        LEVEL_UP_DETAIL_TYPE: levelUpEvents.detailType,
        LEVEL_UP_DETAIL_TEMPLATE: levelUpEvents.pipeInputTemplate,
      },
    });
    this.publisher.addEventSource(
      new DynamoEventSource(wiring.table, {
        startingPosition: lambda.StartingPosition[OUTBOX_STREAM_READ.startingPosition],
        batchSize: OUTBOX_STREAM_READ.batchSize,
        retryAttempts: OUTBOX_STREAM_READ.maxRetryAttempts,
        // The pipe's AUTOMATIC_BISECT; the function reports the records it could not publish.
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.publisherDeadLetterQueue),
        filters: [lambda.FilterCriteria.filter(levelUpEvents.pipeFilter)],
      }),
    );

    const scoring = levelUpScoring(this, this.bus, wiring);
    this.deadLetterQueue = scoring.deadLetterQueue;
    this.queue = scoring.queue;
    this.rule = scoring.rule;
    this.consumer = scoring.consumer;
    this.functions = { [localStackFunctions.levelUpPublisher.name]: this.publisher, [levelUpEvents.consumer.name]: this.consumer };
  }
}
