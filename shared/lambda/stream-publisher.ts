import { setTimeout as sleep } from 'node:timers/promises';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';
import { renderPipeInputTemplate } from '../adapters/pipe-input-template.ts';

/** What the stream's records become on the bus: the pipe's target parameters and input template. */
export interface StreamEnvelope {
  readonly busName: string;
  readonly source: string;
  readonly detailType: string;
  /** The pipe's input template of the detail, rendered against each stream record. */
  readonly detailTemplate: string;
}

/** PutEvents: the result entries answer the request's, in the same order (an EventId, or an ErrorCode). */
export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<readonly PutEventsResultEntry[]>;

/** EventBridge takes at most 10 entries per PutEvents call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface PublishOptions {
  /** PutEvents attempts per entry within one invocation, before its record is reported as failed. */
  readonly attempts?: number;
  /** Before the second attempt; doubled for each further one. */
  readonly retryDelayMs?: number;
}

/**
 * Puts one event per stream record on the bus, as the level-up pipe does on AWS: the envelope's
 * source and detail-type, the detail rendered from the pipe's template. PutEvents answers 200
 * even when it refuses entries, so each entry's own result counts: refused entries (and those of
 * a call that failed outright) are tried again, a few times; the records still unpublished
 * after that, and any whose detail cannot be rendered, are reported as batch item failures by
 * sequence number, so that Lambda retries the stream from the first of them (and, its retries
 * spent, sends them to the on-failure destination). Records published before a failed one may
 * be published again by that retry: the consumer makes duplicates harmless.
 */
export async function publishStreamRecords(
  records: readonly DynamoDBRecord[],
  envelope: StreamEnvelope,
  putEvents: PutEvents,
  { attempts = 3, retryDelayMs = 100 }: PublishOptions = {},
): Promise<DynamoDBBatchResponse> {
  const failed = new Set<number>();
  let pending: { readonly index: number; readonly entry: PutEventsRequestEntry }[] = [];
  records.forEach((record, index) => {
    try {
      // The pipe renders against the stream record as Lambda receives it (dynamodb.NewImage...).
      const detail = renderPipeInputTemplate(envelope.detailTemplate, record);
      pending.push({ index, entry: { EventBusName: envelope.busName, Source: envelope.source, DetailType: envelope.detailType, Detail: JSON.stringify(JSON.parse(detail)) } });
    } catch (error) {
      logger.error('stream record has no event to publish', { eventID: record.eventID, error: error as Error });
      failed.add(index);
    }
  });

  for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
    const refused: typeof pending = [];
    for (let start = 0; start < pending.length; start += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = pending.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
      try {
        const results = await putEvents(chunk.map(({ entry }) => entry));
        chunk.forEach((item, i) => {
          if (results[i]?.EventId === undefined) {
            logger.warn('bus refused an event', { attempt, eventID: records[item.index]?.eventID, errorCode: results[i]?.ErrorCode, errorMessage: results[i]?.ErrorMessage });
            refused.push(item);
          }
        });
      } catch (error) {
        logger.warn('PutEvents failed', { attempt, entries: chunk.length, error: error as Error });
        refused.push(...chunk);
      }
    }
    pending = refused;
  }
  for (const { index } of pending) failed.add(index);

  return {
    batchItemFailures: [...failed].sort((a, b) => a - b).map((index) => ({ itemIdentifier: records[index]?.dynamodb?.SequenceNumber ?? '' })),
  };
}
