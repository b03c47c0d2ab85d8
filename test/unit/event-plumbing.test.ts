import { describe, expect, it, vi } from 'vitest';
import { LocalClock } from '../../infra/local/clock.ts';
import { LocalEventPlumbing, renderInputTemplate } from '../../infra/local/event-plumbing.ts';
import { levelUpEvents } from '../../infra/workloads.ts';

const record = (entity: string, eventName = 'INSERT') => ({
  eventName,
  dynamodb: {
    NewImage: {
      entity: { S: entity },
      eventId: { S: 'e1' },
      userId: { S: 'u"1' },
      fromLevel: { N: '14' },
      toLevel: { N: '16' },
      at: { S: '2026-11-24T10:00:00.000Z' },
    },
  },
});

describe('local pipe input template', () => {
  it('renders the template the pipe uses, escaping strings', () => {
    expect(JSON.parse(renderInputTemplate(levelUpEvents.pipeInputTemplate, record('LEVELUP')))).toEqual({
      eventId: 'e1',
      userId: 'u"1',
      fromLevel: '14',
      toLevel: '16',
      at: '2026-11-24T10:00:00.000Z',
    });
  });
});

describe('local event plumbing', () => {
  const model = {
    pipes: [{ name: 'p', filters: [levelUpEvents.pipeFilter], inputTemplate: levelUpEvents.pipeInputTemplate, busLogicalId: 'Bus', source: levelUpEvents.source, detailType: levelUpEvents.detailType }],
    buses: [{ logicalId: 'Bus', name: 'good-swipe-test', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/good-swipe-test' }],
    rules: [{ busLogicalId: 'Bus', pattern: { source: [levelUpEvents.source], 'detail-type': [levelUpEvents.detailType] }, queueLogicalIds: ['Queue'] }],
    queueConsumers: [{ queueLogicalId: 'Queue', functionLogicalId: 'Score', batchSize: 10, reportBatchItemFailures: true, maxReceiveCount: 3 }],
  };

  it('delivers only filtered records, as EventBridge events in SQS bodies', async () => {
    const bodies: any[] = [];
    const plumbing = new LocalEventPlumbing(model, async (_fn, event: any) => {
      bodies.push(...event.Records.map((r: any) => JSON.parse(r.body)));
      return { batchItemFailures: [] };
    }, new LocalClock(), 1);
    await plumbing.fromStream([record('LEVELUP'), record('PROFILE'), record('LEVELUP', 'REMOVE')] as never);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ 'detail-type': 'UserLeveledUp', source: 'goodswipe.progress', detail: { toLevel: '16' } });
  });

  it('routes events put on a bus by name through the same rules, and shows observers every event of every bus', async () => {
    const bodies: any[] = [];
    const plumbing = new LocalEventPlumbing(model, async (_fn, event: any) => {
      bodies.push(...event.Records.map((r: any) => JSON.parse(r.body)));
      return { batchItemFailures: [] };
    }, new LocalClock(), 1);
    const seen: [string, string][] = [];
    plumbing.observe((bus, event) => seen.push([bus, event['detail-type']]));
    const event = (detailType: string, source: string = levelUpEvents.source) => ({
      version: '0' as const, id: detailType, 'detail-type': detailType, source, account: '000000000000',
      time: '2026-11-25T00:01:00Z', region: 'us-east-1', resources: [], detail: {},
    });
    await plumbing.putEvents('good-swipe-test', [event(levelUpEvents.detailType), event('TournamentSealed', 'goodswipe.tournaments')]);
    await plumbing.putEvents('default', [event(levelUpEvents.detailType)]);
    await plumbing.fromStream([record('LEVELUP')] as never);
    // Only the rule's pattern reaches the queue, and only on its own bus; the pipe's event is seen too.
    expect(bodies.map((b) => b.id)).toEqual([levelUpEvents.detailType, expect.any(String)]);
    expect(seen).toEqual([
      ['good-swipe-test', levelUpEvents.detailType],
      ['good-swipe-test', 'TournamentSealed'],
      ['default', levelUpEvents.detailType],
      ['good-swipe-test', levelUpEvents.detailType],
    ]);
  });

  it('redelivers failed batch items and dead-letters them after maxReceiveCount', async () => {
    const receives: number[] = [];
    const plumbing = new LocalEventPlumbing(model, async (_fn, event: any) => {
      receives.push(Number(event.Records[0].attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.map((r: any) => ({ itemIdentifier: r.messageId })) };
    }, new LocalClock(), 1);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await plumbing.fromStream([record('LEVELUP')] as never);
    expect(receives).toEqual([1, 2, 3]);
    const deadLettered = logged.mock.calls.filter(([line]) => /dead-lettered after 3 receives/.test(String(line)));
    logged.mockRestore();
    expect(deadLettered).toHaveLength(1);
  });
});
