import http from 'node:http';
import type { AddressInfo } from 'node:net';

type AttributeValue = { S?: string; N?: string };
type Key = Record<string, AttributeValue>;

/** The items one DynamoDB API call writes (ConditionCheck reads, so it does not count). */
function writtenKeys(target: string, body: any): Key[] {
  switch (target) {
    case 'PutItem':
      return [body.Item];
    case 'UpdateItem':
    case 'DeleteItem':
      return [body.Key];
    case 'TransactWriteItems':
      return (body.TransactItems ?? []).flatMap((t: any) => [t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key].filter(Boolean));
    case 'BatchWriteItem':
      return Object.values(body.RequestItems ?? {}).flatMap((requests: any) =>
        requests.map((r: any) => r.PutRequest?.Item ?? r.DeleteRequest?.Key),
      );
    default:
      return [];
  }
}

/** The game table's key (PK | SK), or the entry idempotency table's (`id`, as Powertools lays it out). */
const itemId = (key: Key) => (key['PK'] ? `${key['PK'].S ?? '?'} | ${key['SK']?.S ?? '?'}` : `id ${key['id']?.S ?? '?'}`);

export interface WriteReport {
  readonly totalWrites: number;
  readonly items: number;
  readonly hottestItem: string;
  readonly hottestWrites: number;
  /** hottestWrites / totalWrites */
  readonly hottestShare: number;
}

/**
 * A pass-through proxy in front of DynamoDB Local that counts the writes each item receives, as
 * DynamoDB would see them: point a stack's DYNAMODB_ENDPOINT at it to measure hot items without
 * touching the code under test.
 */
export class DynamoDbWriteCounter {
  private readonly writes = new Map<string, number>();
  private server?: http.Server;

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const upstream = new URL(this.upstream);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const target = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        try {
          for (const key of writtenKeys(target, JSON.parse(body.toString() || '{}'))) {
            const id = itemId(key);
            this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
          }
        } catch {
          // Not JSON: nothing to count, forward as is.
        }
        const forward = http.request(
          { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers, agent },
          (upstreamResponse) => {
            response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            upstreamResponse.pipe(response);
          },
        );
        forward.on('error', () => response.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.writes.clear();
  }

  report(): WriteReport {
    let totalWrites = 0;
    let hottestItem = '';
    let hottestWrites = 0;
    for (const [item, count] of this.writes) {
      totalWrites += count;
      if (count > hottestWrites) [hottestItem, hottestWrites] = [item, count];
    }
    return {
      totalWrites,
      items: this.writes.size,
      hottestItem,
      hottestWrites,
      hottestShare: totalWrites === 0 ? 0 : hottestWrites / totalWrites,
    };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
