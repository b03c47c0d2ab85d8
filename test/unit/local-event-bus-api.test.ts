import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { EventBridgeClient, ListEventBusesCommand, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalEventBusApi, PUT_EVENTS_LIMITS, entrySize } from '../../infra/local/event-bus-api.ts';
import { createEventBusServer } from '../../infra/local/event-bus-server.ts';
import type { BusEvent } from '../../infra/local/event-plumbing.ts';
import { EventBusPublisher } from '../../shared/adapters/event-bus.ts';
import { TransientError } from '../../shared/adapters/transient-error.ts';

const BUS = 'good-swipe-test';
const BUS_ARN = `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}`;
const NOW = new Date('2026-11-25T00:01:31.204Z');

/** The local EventBridge endpoint, called as the functions call it: through @aws-sdk/client-eventbridge. */
describe('local EventBridge endpoint: PutEvents through the AWS SDK', () => {
  let server: http.Server;
  let endpoint: string;
  let client: EventBridgeClient;
  let delivered: [string, BusEvent][] = [];

  beforeAll(async () => {
    const api = new LocalEventBusApi(
      [{ logicalId: 'Bus', name: BUS, arn: BUS_ARN }],
      async (bus, events) => void delivered.push(...events.map((e): [string, BusEvent] => [bus, e])),
      () => NOW,
    );
    server = createEventBusServer(api);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // One attempt: a refusal must reach the test as the service sent it, not after SDK retries.
    client = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  beforeEach(() => {
    delivered = [];
  });

  const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    EventBusName: BUS,
    Source: 'goodswipe.tournaments',
    DetailType: 'TournamentSealed',
    Detail: JSON.stringify({ eventId: 'sealed:2026-11-24', groups: 2 }),
    ...overrides,
  });
  const put = (entries: PutEventsRequestEntry[]) => client.send(new PutEventsCommand({ Entries: entries }));
  const refusal = (entries: PutEventsRequestEntry[]) =>
    put(entries).then(
      () => undefined,
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }),
    );

  it('accepts an entry as AWS answers it, and hands the bus an EventBridge event built from it', async () => {
    const answer = await put([entry({ Resources: ['arn:aws:states:us-east-1:000000000000:execution:seal:seal-2026-11-24'] })]);
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries).toEqual([{ EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(delivered).toEqual([
      [
        BUS,
        {
          version: '0',
          id: answer.Entries![0]!.EventId,
          'detail-type': 'TournamentSealed',
          source: 'goodswipe.tournaments',
          account: '000000000000',
          time: '2026-11-25T00:01:31Z',
          region: 'us-east-1',
          resources: ['arn:aws:states:us-east-1:000000000000:execution:seal:seal-2026-11-24'],
          detail: { eventId: 'sealed:2026-11-24', groups: 2 },
        },
      ],
    ]);
  });

  it('takes the bus by its ARN, the default bus when none is named, and the entry\'s own Time', async () => {
    const answer = await put([entry({ EventBusName: BUS_ARN }), entry({ EventBusName: undefined, Time: new Date('2026-11-24T23:59:59Z') })]);
    expect(answer.FailedEntryCount).toBe(0);
    expect(delivered.map(([bus, e]) => [bus, e.time])).toEqual([
      [BUS, '2026-11-25T00:01:31Z'],
      ['default', '2026-11-24T23:59:59Z'],
    ]);
  });

  it('fails only the entries AWS fails, named as AWS names them, and puts the others through', async () => {
    const answer = await put([
      entry({ Source: undefined }),
      entry({ DetailType: undefined }),
      entry({ Detail: undefined }),
      entry({ Detail: 'not json' }),
      entry({ Detail: '[1, 2]' }),
      entry({ EventBusName: 'good-swipe-nope' }),
      entry({ EventBusName: 'arn:aws:events:eu-west-1:111111111111:event-bus/good-swipe-test' }),
      entry(),
    ]);
    expect(answer.FailedEntryCount).toBe(7);
    expect(answer.Entries).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus good-swipe-nope does not exist.' },
      {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: 'Event bus arn:aws:events:eu-west-1:111111111111:event-bus/good-swipe-test does not exist.',
      },
      { EventId: expect.any(String) },
    ]);
    expect(delivered.map(([, e]) => e.id)).toEqual([answer.Entries![7]!.EventId]);
  });

  it('refuses a call of more than 10 entries, or of none, as a whole (ValidationException)', async () => {
    expect(await refusal(Array.from({ length: PUT_EVENTS_LIMITS.maxEntries + 1 }, () => entry()))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
      status: 400,
    });
    expect(await refusal([])).toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/greater than or equal to 1/), status: 400 });
    expect(delivered).toEqual([]);
    expect((await put(Array.from({ length: PUT_EVENTS_LIMITS.maxEntries }, () => entry()))).FailedEntryCount).toBe(0);
  });

  it('refuses entries over 256 KB in all, sized as EventBridge sizes them, and takes them at the limit', async () => {
    // Source + DetailType + Detail in UTF-8 (Time 14 bytes, each Resource): 10 entries of just over a tenth each.
    const padded = (bytes: number) => {
      const base = entry({ Detail: JSON.stringify({ pad: '' }) });
      const missing = bytes - entrySize(base);
      // 'é' is 2 bytes in UTF-8: the size counts bytes, not characters.
      return entry({ Detail: JSON.stringify({ pad: 'é'.repeat(Math.floor(missing / 2)) + 'x'.repeat(missing % 2) }) });
    };
    const atLimit = padded(PUT_EVENTS_LIMITS.maxRequestBytes / 8);
    expect(entrySize(atLimit)).toBe(PUT_EVENTS_LIMITS.maxRequestBytes / 8);
    expect((await put(Array.from({ length: 8 }, () => atLimit))).FailedEntryCount).toBe(0);
    const overBy2 = [...Array.from({ length: 7 }, () => atLimit), padded(PUT_EVENTS_LIMITS.maxRequestBytes / 8 + 2)];
    delivered = [];
    expect(await refusal(overBy2)).toEqual({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
      status: 400,
    });
    expect(delivered).toEqual([]);
  });

  it('answers other operations and calls that are not PutEvents-shaped as the service does', async () => {
    const other = await client.send(new ListEventBusesCommand({})).catch((e: Error) => e);
    expect(other).toMatchObject({ name: 'UnknownOperationException' });
    const raw = await fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Entries": [{"Source": 5}]}',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ __type: 'SerializationException' });
    const notJson = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutEvents' }, body: '{' });
    expect(await notJson.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it("is what the functions' publisher talks to: an accepted event resolves, a refused one is a TransientError", async () => {
    // What Lambda (and the local stack) give every function.
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const publisher = new EventBusPublisher(BUS, endpoint);
    const event = { source: 'goodswipe.tournaments', detailType: 'TournamentSealed', detail: { eventId: 'sealed:2026-11-24' } };
    const id = await publisher.publish(event);
    expect(delivered.map(([bus, e]) => [bus, e.id, e.detail])).toEqual([[BUS, id, { eventId: 'sealed:2026-11-24' }]]);
    const wrongBus = new EventBusPublisher('good-swipe-typo', endpoint);
    const refused = await wrongBus.publish(event).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransientError);
    expect(String(refused)).toMatch(/good-swipe-typo refused the TournamentSealed event: ResourceNotFoundException/);
    publisher.close();
    wrongBus.close();
    vi.unstubAllEnvs();
  });
});
