import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { userLeveledUpDetail, userLeveledUpEvent } from '../../events/user-leveled-up.ts';
import { matchesEventPattern } from '../../infra/local/event-patterns.ts';
import { levelUpEvents } from '../../infra/workloads.ts';
import { MissingTemplateValue, renderPipeInputTemplate } from '../../shared/adapters/pipe-input-template.ts';
import { levelUpItem } from '../../shared/adapters/dynamo/items/level-up.ts';
import type { Profile } from '../../shared/domain/profile.ts';
import { PUT_EVENTS_MAX_ENTRIES, publishStreamRecords, type PutEvents, type StreamEnvelope } from '../../shared/lambda/stream-publisher.ts';

/*
 * The LocalStack variant's stand-in for the level-up pipe (functions/localstack/publish-level-ups.ts):
 * the same envelope as the pipe (its own input template, source and detail-type), one event per
 * stream record, refused entries retried, what stays unpublished reported as batch item failures.
 * PutEvents is a fake; retries wait 0 ms, so nothing depends on the machine's speed.
 */

const player: Profile = {
  userId: 'user-1',
  displayName: 'Alice',
  level: 14,
  coins: 1000,
  createdAt: '2026-11-30T08:00:00.000Z',
  levelReachedAt: '2026-11-30T08:00:00.000Z',
};

/** The stream record of the progress transaction's outbox write (as the table's stream delivers it to Lambda). */
function outboxInsert(toLevel: number, sequenceNumber: string, userId = 'user-1'): DynamoDBRecord {
  const { Item } = levelUpItem.record({ ...player, userId }, { previousLevel: 14, level: toLevel, coins: 1200, coinsEarned: 200 }, new Date('2026-12-01T10:00:00Z'));
  if (!Item) throw new Error('the outbox write has no item');
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ PK: Item['PK'], SK: Item['SK'] }) as Record<string, AttributeValue>,
      NewImage: marshall(Item) as Record<string, AttributeValue>,
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

const envelope: StreamEnvelope = {
  busName: 'good-swipe-test',
  source: levelUpEvents.source,
  detailType: levelUpEvents.detailType,
  detailTemplate: levelUpEvents.pipeInputTemplate,
};

/** A PutEvents that refuses the entries `refuse` picks (or throws when it returns 'throw'), and records every call. */
function fakePutEvents(refuse: (entry: PutEventsRequestEntry, call: number) => boolean | 'throw' = () => false) {
  const calls: PutEventsRequestEntry[][] = [];
  const putEvents: PutEvents = async (entries) => {
    calls.push(entries);
    const call = calls.length;
    if (entries.some((entry) => refuse(entry, call) === 'throw')) throw new Error('network down');
    return entries.map((entry, i): PutEventsResultEntry => (refuse(entry, call) ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: `id-${call}-${i}` }));
  };
  return { putEvents, calls };
}

const detailOf = (entry: PutEventsRequestEntry) => JSON.parse(entry.Detail ?? '') as Record<string, unknown>;
const noWait = { retryDelayMs: 0 };

describe("the pipe's envelope, rendered by the publisher", () => {
  it('is the detail the pipe publishes: its template over the stream record, numbers as the strings it renders', () => {
    const record = outboxInsert(16, '100');
    const detail = JSON.parse(renderPipeInputTemplate(levelUpEvents.pipeInputTemplate, record)) as Record<string, unknown>;
    expect(detail).toEqual({ eventId: expect.any(String), userId: 'user-1', fromLevel: '14', toLevel: '16', at: '2026-12-01T10:00:00.000Z' });
    // What the score consumer reads back: the outbox item's event.
    const item = levelUpItem.fromItem(Object.fromEntries(Object.entries(detail)));
    expect(userLeveledUpDetail.parse(detail)).toEqual(item);
  });

  it("passes the event source mapping's filter (the pipe's) for new outbox items only", () => {
    expect(matchesEventPattern(levelUpEvents.pipeFilter, outboxInsert(16, '1'))).toBe(true);
    const modified = { ...outboxInsert(16, '2'), eventName: 'MODIFY' as const };
    const profile = { ...outboxInsert(16, '3'), dynamodb: { NewImage: marshall({ PK: 'USER#1', entity: 'PROFILE' }) as Record<string, AttributeValue> } };
    expect(matchesEventPattern(levelUpEvents.pipeFilter, modified)).toBe(false);
    expect(matchesEventPattern(levelUpEvents.pipeFilter, profile)).toBe(false);
  });

  it('escapes a value inside the quotes it goes in, and names a missing one', () => {
    expect(JSON.parse(renderPipeInputTemplate('{"a": "<$.x.y>", "n": <$.n>}', { x: { y: 'say "hi"' }, n: 3 }))).toEqual({ a: 'say "hi"', n: 3 });
    expect(() => renderPipeInputTemplate('{"a": "<$.x.z>"}', { x: {} })).toThrow(MissingTemplateValue);
  });
});

describe('publishing a stream batch', () => {
  it("puts one UserLeveledUp per record on the game's bus, 10 entries per PutEvents call", async () => {
    const records = Array.from({ length: 12 }, (_, i) => outboxInsert(15 + i, String(100 + i)));
    const { putEvents, calls } = fakePutEvents();
    expect(await publishStreamRecords(records, envelope, putEvents, noWait)).toEqual({ batchItemFailures: [] });
    expect(calls.map((call) => call.length)).toEqual([PUT_EVENTS_MAX_ENTRIES, 2]);
    const entries = calls.flat();
    for (const entry of entries) expect(entry).toMatchObject({ EventBusName: 'good-swipe-test', Source: 'goodswipe.progress', DetailType: 'UserLeveledUp' });
    expect(entries.map((entry) => detailOf(entry)['toLevel'])).toEqual(records.map((_, i) => String(15 + i)));
    // As the rule hands it to the score queue, the event parses with the consumer's schema.
    const asDelivered = { source: entries[0]!.Source, 'detail-type': entries[0]!.DetailType, detail: detailOf(entries[0]!) };
    expect(userLeveledUpEvent.parse(asDelivered).detail).toMatchObject({ userId: 'user-1', fromLevel: 14, toLevel: 15 });
  });

  it('tries refused entries again, and only those', async () => {
    const records = [outboxInsert(15, '1'), outboxInsert(16, '2'), outboxInsert(17, '3')];
    const { putEvents, calls } = fakePutEvents((entry, call) => call === 1 && detailOf(entry)['toLevel'] === '16');
    expect(await publishStreamRecords(records, envelope, putEvents, noWait)).toEqual({ batchItemFailures: [] });
    expect(calls.map((call) => call.map((entry) => detailOf(entry)['toLevel']))).toEqual([['15', '16', '17'], ['16']]);
  });

  it('tries again after a failed call', async () => {
    const { putEvents, calls } = fakePutEvents((_entry, call) => (call === 1 ? 'throw' : false));
    expect(await publishStreamRecords([outboxInsert(15, '1')], envelope, putEvents, noWait)).toEqual({ batchItemFailures: [] });
    expect(calls).toHaveLength(2);
  });

  it('reports what stays refused as batch item failures, by sequence number, after its attempts', async () => {
    const records = [outboxInsert(15, '11'), outboxInsert(16, '12'), outboxInsert(17, '13'), outboxInsert(18, '14')];
    const refused = new Set(['16', '18']);
    const { putEvents, calls } = fakePutEvents((entry) => refused.has(String(detailOf(entry)['toLevel'])));
    const response = await publishStreamRecords(records, envelope, putEvents, { ...noWait, attempts: 3 });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '14' }] });
    expect(calls).toHaveLength(3);
  });

  it('reports a record it cannot render, and still publishes the others', async () => {
    const broken = outboxInsert(16, '22');
    delete broken.dynamodb!.NewImage!['toLevel'];
    const { putEvents, calls } = fakePutEvents();
    const response = await publishStreamRecords([outboxInsert(15, '21'), broken, outboxInsert(17, '23')], envelope, putEvents, noWait);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '22' }] });
    expect(calls.flat().map((entry) => detailOf(entry)['toLevel'])).toEqual(['15', '17']);
  });
});
