import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransactionUnits } from './transaction-units.ts';

/*
 * A pass-through proxy in front of DynamoDB Local that asks DynamoDB itself what each call costs:
 * it adds `ReturnConsumedCapacity: 'INDEXES'` to every data-plane request (DynamoDB Local honours
 * it; the app never sets it, and its code ignores the field in the answer, which passes through
 * unchanged) and sums the `ConsumedCapacity` of the answers: INDEXES, so index writes are in it
 * (DynamoDB Local's TOTAL leaves some out). Transactions are the exception: DynamoDB Local rounds a
 * transaction's bytes as one, so their units are computed by DynamoDB's rule from the items'
 * images instead (transaction-units.ts). The sums are the read and write request units an
 * on-demand table bills, index writes included.
 *
 * Where DynamoDB Local reports less than DynamoDB bills, the proxy adds what DynamoDB's billing
 * rules say (developer guide, "DynamoDB read and write operations"): a read that finds nothing
 * still costs its minimum (0.5 read unit eventually consistent, 1 strongly), per key of a
 * BatchGetItem and per Query or Scan; a write whose condition fails still costs its write unit
 * (1: the app's items are under 1 KB). A cancelled transaction's cost is not known: such requests
 * are counted as `unmeasured` (none in a clean measurement).
 *
 * It also holds the stream's GetRecords while paused, so a measured request's own calls can be
 * told apart from the stream consumer's (costs.ts).
 */

const DATA_PLANE = 'DynamoDB_20120810.';
/** DynamoDB Local checks that a request is signed, not the signature. */
const RAW_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
const STREAMS = 'DynamoDBStreams_20120810.';

/** The operations that carry ReturnConsumedCapacity, and whether they read or write. */
const OPERATIONS: Record<string, 'read' | 'write'> = {
  GetItem: 'read',
  Query: 'read',
  Scan: 'read',
  BatchGetItem: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

/** What DynamoDB answered, cumulatively: a snapshot; two of them give a delta (`minus`). */
export interface DynamoDbUsage {
  readonly readUnits: number;
  readonly writeUnits: number;
  /**
   * Requests by `<operation>` (`<operation> <index>` on an index, `... (<table>)` off the main
   * table), plus `<operation> failed`.
   */
  readonly requests: Readonly<Record<string, number>>;
  /** The units, by the same names. */
  readonly unitsByRequest: Readonly<Record<string, number>>;
  /** Data-plane requests whose answer carried no capacity (errors: a failed condition, a cancelled transaction). */
  readonly unmeasured: number;
}


function minus(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const d = value - (before[name] ?? 0);
    if (d !== 0) delta[name] = d;
  }
  return delta;
}

export function dynamoDbUsageMinus(after: DynamoDbUsage, before: DynamoDbUsage): DynamoDbUsage {
  return {
    readUnits: after.readUnits - before.readUnits,
    writeUnits: after.writeUnits - before.writeUnits,
    requests: minus(after.requests, before.requests),
    unitsByRequest: minus(after.unitsByRequest, before.unitsByRequest),
    unmeasured: after.unmeasured - before.unmeasured,
  };
}

type Capacity = { CapacityUnits?: number };

/** The units DynamoDB Local reported for one answer (one object, or one per table for batches and transactions). */
function reportedUnits(consumed: Capacity | Capacity[] | undefined): number | undefined {
  if (consumed === undefined) return undefined;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** A read's minimum when it finds nothing: half a unit, or a whole one strongly consistent. */
const minimumRead = (consistent: unknown) => (consistent === true ? 1 : 0.5);

/** What DynamoDB bills for a successful answer: DynamoDB Local's figure plus the minimums it leaves out. */
function billedUnits(operation: string, request: any, answer: any): number | undefined {
  const reported = reportedUnits(answer.ConsumedCapacity);
  if (reported === undefined) return undefined;
  if ((operation === 'Query' || operation === 'Scan') && reported === 0) return minimumRead(request.ConsistentRead);
  if (operation === 'BatchGetItem') {
    // Each key is billed as a GetItem: a key that found nothing (and was not left unprocessed) costs the minimum.
    let missing = 0;
    for (const [table, { Keys = [], ConsistentRead }] of Object.entries<any>(request.RequestItems ?? {})) {
      const found = answer.Responses?.[table]?.length ?? 0;
      const unprocessed = answer.UnprocessedKeys?.[table]?.Keys?.length ?? 0;
      missing += (Keys.length - found - unprocessed) * minimumRead(ConsistentRead);
    }
    return reported + missing;
  }
  return reported;
}

/** The table a request names (the first one, for batches and transactions). */
function tableOf(body: any): string | undefined {
  if (typeof body?.TableName === 'string') return body.TableName;
  const batch = body?.RequestItems && Object.keys(body.RequestItems)[0];
  if (batch) return batch;
  const part = body?.TransactItems?.[0];
  return part ? (Object.values(part)[0] as { TableName?: string })?.TableName : undefined;
}

export class DynamoDbCapacityCounter {
  private server?: http.Server;
  private usage = { readUnits: 0, writeUnits: 0, requests: {} as Record<string, number>, unitsByRequest: {} as Record<string, number>, unmeasured: 0 };
  private readonly streamsHeld: (() => void)[] = [];
  private streamsInFlight = 0;
  private streamsIdle: (() => void)[] = [];
  private paused = false;
  /** When a data-plane request last started or ended (ms, performance.now()). */
  private lastActivity = 0;
  /** When the first data-plane request since `mark()` started. */
  private firstActivity: number | undefined;
  private inFlight = 0;
  /** The game table: its requests are named by operation alone, others' with their table. */
  mainTable: string | undefined;
  private transactions: TransactionUnits | undefined;

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const upstream = new URL(this.upstream);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const send = (headers: http.OutgoingHttpHeaders, method: string | undefined, path: string | undefined, body: Buffer) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const upstreamRequest = http.request(
          { host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, 'content-length': String(body.length) }, agent },
          (upstreamResponse) => {
            const answer: Buffer[] = [];
            upstreamResponse.on('data', (chunk: Buffer) => answer.push(chunk));
            upstreamResponse.on('end', () =>
              resolve({ status: upstreamResponse.statusCode ?? 502, headers: upstreamResponse.headers, body: Buffer.concat(answer) }),
            );
            upstreamResponse.on('error', reject);
          },
        );
        upstreamRequest.on('error', reject);
        upstreamRequest.end(body);
      });
    // The proxy's own reads (a transaction's item images): straight to DynamoDB Local, uncounted.
    this.transactions = new TransactionUnits(async (operation, body) => {
      const headers = { 'x-amz-target': `${DATA_PLANE}${operation}`, 'content-type': 'application/x-amz-json-1.0', authorization: RAW_AUTHORIZATION };
      const answer = await send(headers, 'POST', '/', Buffer.from(JSON.stringify(body)));
      if (answer.status !== 200) throw new Error(`${operation} answered ${answer.status}: ${answer.body.toString()}`);
      return JSON.parse(answer.body.toString());
    });
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        /** Forwards `body`; `onAnswer` sees the answer before the client does. */
        const forward = async (body: Buffer, onAnswer?: (answer: Buffer, status: number) => Promise<void> | void) => {
          try {
            const answer = await send(request.headers, request.method, request.url, body);
            await onAnswer?.(answer.body, answer.status);
            response.writeHead(answer.status, answer.headers);
            response.end(answer.body);
          } catch {
            response.destroy();
          }
        };
        const raw = Buffer.concat(chunks);
        if (target.startsWith(STREAMS)) {
          return this.forwardStreamRequest(target, () => void forward(raw).finally(() => this.streamEnded()));
        }
        const operation = target.startsWith(DATA_PLANE) ? target.slice(DATA_PLANE.length) : '';
        const kind = OPERATIONS[operation];
        if (!kind) return void forward(raw); // control plane (CreateTable, DescribeTable, ListTables): not an operation's cost
        let body: any;
        try {
          body = JSON.parse(raw.toString() || '{}');
        } catch {
          return void forward(raw);
        }
        const table = tableOf(body);
        const index = typeof body.IndexName === 'string' ? ` ${body.IndexName}` : '';
        const name = `${operation}${index}${table === undefined || table === this.mainTable ? '' : ` (${table})`}`;
        this.began();
        void (async () => {
          // A transaction's units come from its items' images (transaction-units.ts), taken around it.
          const before = operation === 'TransactWriteItems' ? await this.transactions!.images(body).catch(() => undefined) : undefined;
          await forward(Buffer.from(JSON.stringify({ ...body, ReturnConsumedCapacity: 'INDEXES' })), async (answer, status) => {
            let units: number | undefined;
            if (before && status === 200) units = this.transactions!.units(body, before, await this.transactions!.images(body));
            this.count(name, kind, operation, body, answer, status, units);
          });
        })().finally(() => this.ended());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The usage so far (a copy). */
  snapshot(): DynamoDbUsage {
    return { ...this.usage, requests: { ...this.usage.requests }, unitsByRequest: { ...this.usage.unitsByRequest } };
  }

  /** Milliseconds since a data-plane request last started or ended; 0 while one is in flight. */
  idleMs(): number {
    return this.inFlight > 0 ? 0 : performance.now() - this.lastActivity;
  }

  /** Starts a new span of activity (see `activity()`). */
  mark(): void {
    this.firstActivity = undefined;
  }

  /** When the first request since `mark()` started and when the last one ended (performance.now()). */
  activity(): { first?: number; last: number } {
    return { ...(this.firstActivity === undefined ? {} : { first: this.firstActivity }), last: this.lastActivity };
  }

  /**
   * Holds every stream request from now on, and resolves once none is in flight: after that,
   * nothing written meanwhile reaches the stream's consumer until `resumeStreams()`.
   */
  pauseStreams(): Promise<void> {
    this.paused = true;
    return this.streamsInFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.streamsIdle.push(resolve));
  }

  resumeStreams(): void {
    this.paused = false;
    for (const release of this.streamsHeld.splice(0)) release();
  }

  stop(): Promise<void> {
    this.resumeStreams();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forwardStreamRequest(target: string, send: () => void): void {
    // Only reads of records are held: describing the stream changes nothing.
    const go = () => {
      this.streamsInFlight++;
      send();
    };
    if (this.paused && target.endsWith('.GetRecords')) this.streamsHeld.push(go);
    else go();
  }

  private streamEnded(): void {
    this.streamsInFlight--;
    if (this.streamsInFlight === 0) for (const resolve of this.streamsIdle.splice(0)) resolve();
  }

  private began(): void {
    this.inFlight++;
    this.lastActivity = performance.now();
    this.firstActivity ??= this.lastActivity;
  }

  private ended(): void {
    this.inFlight--;
    this.lastActivity = performance.now();
  }

  private count(name: string, kind: 'read' | 'write', operation: string, request: any, answer: Buffer, status: number, billed?: number): void {
    const requests = this.usage.requests;
    requests[name] = (requests[name] ?? 0) + 1;
    let parsed: any;
    try {
      parsed = JSON.parse(answer.toString());
    } catch {
      parsed = undefined;
    }
    let units: number | undefined;
    if (status === 200 && parsed) {
      units = billed ?? (operation === 'TransactWriteItems' ? undefined : billedUnits(operation, request, parsed));
    } else {
      requests[`${name} failed`] = (requests[`${name} failed`] ?? 0) + 1;
      // A write whose condition failed is billed as the write (the app's items are under 1 KB).
      if (String(parsed?.__type ?? '').endsWith('#ConditionalCheckFailedException')) units = 1;
    }
    if (units === undefined) {
      this.usage.unmeasured++;
      return;
    }
    if (kind === 'read') this.usage.readUnits += units;
    else this.usage.writeUnits += units;
    this.usage.unitsByRequest[name] = (this.usage.unitsByRequest[name] ?? 0) + units;
  }
}
