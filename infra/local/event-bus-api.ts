import { randomUUID } from 'node:crypto';
import type { BusEvent } from './event-plumbing.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localEventBusArn, type BusModel } from './template.ts';

/**
 * What PutEvents takes (EventBridge API reference, PutEvents; "Calculating PutEvents event entry
 * size"): 1-10 entries per call, and the entries of one call under 256 KB in all, sized as
 * entrySize does. Newer AWS pages give 1 MB for the total; the local bus keeps 256 KB, the
 * stricter figure, so what it accepts AWS accepts too.
 */
export const PUT_EVENTS_LIMITS = { maxEntries: 10, maxRequestBytes: 256 * 1024 } as const;

/** The bus every account has, used when an entry names none. */
const DEFAULT_BUS = 'default';

/** A refused call, named as the service names it (the JSON 1.1 body's `__type`). */
export class EventBridgeError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/** Where accepted events go: the plumbing's bus (observers, then its rules). Not awaited, as on AWS. */
export type DeliverEvents = (busName: string, events: readonly BusEvent[]) => Promise<void>;

type Entry = Readonly<Record<string, unknown>>;

const invalid = (message: string) => new EventBridgeError('ValidationException', `1 validation error detected: ${message}`);
const utf8 = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/** An entry's size as EventBridge counts it: Time 14 bytes, then Source, DetailType, Detail and each Resource in UTF-8. */
export function entrySize(entry: Partial<Record<'Time' | 'Source' | 'DetailType' | 'Detail' | 'Resources', unknown>>): number {
  const resources = Array.isArray(entry['Resources']) ? (entry['Resources'] as unknown[]) : [];
  return (
    (entry['Time'] === undefined ? 0 : 14) +
    utf8(entry['Source']) +
    utf8(entry['DetailType']) +
    utf8(entry['Detail']) +
    resources.reduce<number>((sum, r) => sum + utf8(r), 0)
  );
}

/**
 * The local bus's PutEvents (`X-Amz-Target: AWSEvents.PutEvents`), as the AWS SDK and CLI speak
 * it: refusals of the whole call as the service names them (ValidationException,
 * SerializationException, UnknownOperationException), and per-entry failures in the answer
 * (InvalidArgument for a missing Source, DetailType or Detail, MalformedDetail for a Detail that
 * is not a JSON object), counted in FailedEntryCount while the other entries go through.
 *
 * One deliberate difference: an entry naming a bus that does not exist fails here
 * (ResourceNotFoundException, "Event bus X does not exist."). AWS has been reported to accept
 * and drop such an entry; for this app's functions AWS refuses it anyway, since their role may
 * put events on the game bus only. A wrong EVENT_BUS_NAME so fails loudly in both places.
 */
export class LocalEventBusApi {
  private readonly busNames: ReadonlySet<string>;

  constructor(
    buses: readonly BusModel[],
    private readonly deliver: DeliverEvents,
    private readonly now: () => Date,
  ) {
    this.busNames = new Set([DEFAULT_BUS, ...buses.map((b) => b.name)]);
  }

  call(target: string, body: string): PutEventsResult {
    if (target !== 'AWSEvents.PutEvents') {
      throw new EventBridgeError('UnknownOperationException', `the local bus serves PutEvents only, not ${target}`);
    }
    return this.putEvents(parseRequest(body));
  }

  private putEvents(request: Entry): PutEventsResult {
    const entries = request['Entries'];
    if (entries === undefined || entries === null) throw invalid("Value null at 'entries' failed to satisfy constraint: Member must not be null");
    if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) {
      throw new EventBridgeError('SerializationException', 'Entries must be a list of PutEventsRequestEntry structures');
    }
    if (entries.length < 1) throw invalid("Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
    if (entries.length > PUT_EVENTS_LIMITS.maxEntries) {
      throw invalid(
        `Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${PUT_EVENTS_LIMITS.maxEntries}`,
      );
    }
    for (const entry of entries as Entry[]) checkTypes(entry);
    if ((entries as Entry[]).reduce((sum, e) => sum + entrySize(e), 0) > PUT_EVENTS_LIMITS.maxRequestBytes) {
      throw new EventBridgeError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }

    const accepted = new Map<string, BusEvent[]>();
    const results = (entries as Entry[]).map((entry): PutEventsResultEntry => {
      const refusal = this.refusalOf(entry);
      if (refusal) return refusal;
      const busName = busNameOf(entry);
      const event = this.toEvent(entry);
      accepted.set(busName, [...(accepted.get(busName) ?? []), event]);
      return { EventId: event.id };
    });
    for (const [busName, events] of accepted) {
      this.deliver(busName, events).catch((error: unknown) =>
        console.error(`Good Swipe local stack: delivering events of bus ${busName} failed:`, error),
      );
    }
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private refusalOf(entry: Entry): PutEventsResultEntry | undefined {
    for (const field of ['Source', 'DetailType', 'Detail']) {
      if (entry[field] === undefined || entry[field] === '') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
      }
    }
    if (!isJsonObject(String(entry['Detail']))) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const busName = busNameOf(entry);
    if (!this.busNames.has(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    return undefined;
  }

  private toEvent(entry: Entry): BusEvent {
    // JSON 1.1 timestamps are epoch seconds; EventBridge's `time` has no fraction of a second.
    const time = typeof entry['Time'] === 'number' ? new Date(entry['Time'] * 1000) : this.now();
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': String(entry['DetailType']),
      source: String(entry['Source']),
      account: LOCAL_ACCOUNT,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: (entry['Resources'] as string[] | undefined) ?? [],
      detail: JSON.parse(String(entry['Detail'])),
    };
  }
}

function parseRequest(body: string): Entry {
  let request: unknown;
  try {
    request = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    throw new EventBridgeError('SerializationException', 'the body is not valid JSON');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new EventBridgeError('SerializationException', 'the body must be a JSON object');
  }
  return request as Entry;
}

/** What the JSON 1.1 protocol refuses before the service looks at the values. */
function checkTypes(entry: Entry): void {
  for (const field of ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader']) {
    if (entry[field] !== undefined && typeof entry[field] !== 'string') {
      throw new EventBridgeError('SerializationException', `${field} must be a string`);
    }
  }
  if (entry['Time'] !== undefined && typeof entry['Time'] !== 'number') {
    throw new EventBridgeError('SerializationException', 'Time must be a timestamp (epoch seconds)');
  }
  const resources = entry['Resources'];
  if (resources !== undefined && !(Array.isArray(resources) && resources.every((r) => typeof r === 'string'))) {
    throw new EventBridgeError('SerializationException', 'Resources must be a list of strings');
  }
}

/** The bus an entry names (its name or its ARN), `default` if none. */
function busNameOf(entry: Entry): string {
  const named = typeof entry['EventBusName'] === 'string' && entry['EventBusName'] !== '' ? entry['EventBusName'] : DEFAULT_BUS;
  const arn = /^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/(.+)$/.exec(named);
  // Another account's or region's bus is not one of this stack's.
  if (arn) return named === localEventBusArn(arn[1]!) ? arn[1]! : named;
  return named;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
