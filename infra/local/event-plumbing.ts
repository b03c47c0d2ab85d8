import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { LocalClock } from './clock.ts';
import type { StreamRecord } from './dynamodb-stream.ts';
import { matchesEventPattern } from './event-patterns.ts';
import type { LocalModel, PipeModel, QueueConsumerModel } from './template.ts';

/** A Pipe's input template: `<$.a.b>` placeholders filled from the record (strings JSON-escaped). */
export function renderInputTemplate(template: string, record: unknown): string {
  return template.replace(/<\$((?:\.[\w-]+)+)>/g, (_, path: string) => {
    let value: unknown = record;
    for (const key of path.slice(1).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) return 'null';
    // Inside quotes in the template: the string's characters, escaped as JSON needs them.
    return typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
  });
}

/** Batches of one queue handed to its function at the same time. */
const CONCURRENT_BATCHES = 5;

/** An event as EventBridge holds it on a bus (and hands it to a rule's target). */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** Told of every event as it enters a bus (the local stack keeps the last ones for GET /_local/events). */
export type BusObserver = (busName: string, event: BusEvent) => void;

interface Message {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
  readonly sentAt: number;
}

/**
 * The local stand-in for the event plumbing the template declares: Pipe (stream record
 * filter + input template) -> event bus (also fed by PutEvents, event-bus-api.ts) -> rules
 * (event patterns) -> SQS queues -> the functions reading them, in batches, with partial batch
 * failures retried and dead-lettered after the queue's maxReceiveCount. Delivery resolves only
 * when every message was handled or dead-lettered, so the stream poller checkpoints a record only
 * after its effects: a crash anywhere replays it (at least once, as on AWS).
 */
export class LocalEventPlumbing {
  private readonly observers: BusObserver[] = [];

  constructor(
    private readonly model: Pick<LocalModel, 'pipes' | 'buses' | 'rules' | 'queueConsumers'>,
    private readonly invoke: (functionLogicalId: string, event: unknown) => Promise<unknown>,
    private readonly clock: LocalClock,
    private readonly retryDelayMs = 200,
  ) {}

  /** A batch of stream records through every pipe. */
  async fromStream(records: readonly StreamRecord[]): Promise<void> {
    // The SDK hands dates as Date objects; a Pipe sees the record as JSON.
    const asJson = JSON.parse(JSON.stringify(records)) as unknown[];
    for (const pipe of this.model.pipes) {
      const events = asJson.filter((record) => passes(pipe, record)).map((record) => this.toEvent(pipe, record));
      const bus = this.model.buses.find((b) => b.logicalId === pipe.busLogicalId);
      if (!bus) throw new Error(`pipe ${pipe.name} targets bus ${pipe.busLogicalId}, which the model does not have`);
      await this.putEvents(bus.name, events);
    }
  }

  observe(observer: BusObserver): void {
    this.observers.push(observer);
  }

  private toEvent(pipe: PipeModel, record: unknown): BusEvent {
    const detail = pipe.inputTemplate === undefined ? record : JSON.parse(renderInputTemplate(pipe.inputTemplate, record));
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': pipe.detailType,
      source: pipe.source,
      account: '000000000000',
      time: this.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail,
    };
  }

  /**
   * Events onto a bus (by name): the observers see them at once; then each rule of that bus whose
   * pattern matches sends them to its queues. A bus the template does not have (the account's
   * `default`) has no rules here.
   */
  async putEvents(busName: string, events: readonly BusEvent[]): Promise<void> {
    for (const event of events) for (const observer of this.observers) observer(busName, event);
    const busLogicalId = this.model.buses.find((b) => b.name === busName)?.logicalId;
    if (busLogicalId === undefined) return;
    for (const rule of this.model.rules.filter((r) => r.busLogicalId === busLogicalId)) {
      const matching = events.filter((event) => matchesEventPattern(rule.pattern, event));
      for (const queue of rule.queueLogicalIds) await this.sendToQueue(queue, matching);
    }
  }

  private async sendToQueue(queueLogicalId: string, bodies: readonly unknown[]): Promise<void> {
    const consumer = this.model.queueConsumers.find((c) => c.queueLogicalId === queueLogicalId);
    if (!consumer || bodies.length === 0) return;
    const pending: Message[] = bodies.map((body) => ({
      messageId: randomUUID(),
      body: JSON.stringify(body),
      receiveCount: 0,
      sentAt: this.clock.now().getTime(),
    }));
    // Like Lambda's SQS poller, several batches are in flight at once.
    const worker = async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, consumer.batchSize);
        const failed = await this.receive(consumer, batch);
        for (const message of failed) {
          if (consumer.maxReceiveCount !== undefined && message.receiveCount >= consumer.maxReceiveCount) {
            console.error(`Good Swipe local stack: message ${message.messageId} dead-lettered after ${message.receiveCount} receives`);
          } else pending.push(message);
        }
        // Failed messages come back after their visibility timeout; locally, a pause that doubles
        // with each receive (0.2, 0.4, 0.8, 1.6 s), so a dependency blinking for a moment is ridden out.
        const receives = Math.max(0, ...failed.map((m) => m.receiveCount));
        if (failed.length > 0) await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** (receives - 1)));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_BATCHES }, worker));
  }

  /** One invocation with a batch; returns the messages to receive again. */
  private async receive(consumer: QueueConsumerModel, batch: Message[]): Promise<Message[]> {
    for (const message of batch) message.receiveCount++;
    try {
      const response = (await this.invoke(consumer.functionLogicalId, sqsEvent(consumer, batch))) as SQSBatchResponse | undefined;
      if (!consumer.reportBatchItemFailures) return [];
      const failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      return batch.filter((m) => failedIds.has(m.messageId));
    } catch (error) {
      console.error(`Good Swipe local stack: ${consumer.functionLogicalId} failed a batch: ${String(error)}`);
      return batch;
    }
  }
}

function passes(pipe: PipeModel, record: unknown): boolean {
  return pipe.filters.length === 0 || pipe.filters.some((filter) => matchesEventPattern(filter, record));
}

function sqsEvent(consumer: QueueConsumerModel, batch: readonly Message[]): SQSEvent {
  const arn = `arn:aws:sqs:us-east-1:000000000000:${consumer.queueLogicalId}`;
  return {
    Records: batch.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.messageId,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
    })),
  };
}
