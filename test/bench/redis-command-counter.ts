import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { withProbe } from '../../infra/local/redis-server.ts';

/*
 * A pass-through TCP proxy in front of one cluster-mode redis-server that counts the commands its
 * clients send, by name, and the bytes each one moves (request and reply). The server is told
 * to announce the proxy's port (CONFIG SET cluster-announce-port), so a cluster client that asks
 * CLUSTER SLOTS through the proxy keeps talking through it.
 *
 * Why a proxy rather than INFO commandstats deltas: commandstats also counts the commands a Lua
 * script runs inside the server (a board script's ZADD, HGET...), which are no round trips and
 * not what ElastiCache bills per command; the proxy sees exactly what a client sends, and the
 * reply sizes, which ElastiCache's ECPUs are counted by.
 */

/** Per command name: how many, and the bytes they moved (request + reply, RESP framing included). */
export interface RedisCommandUsage {
  readonly commands: Readonly<Record<string, { readonly count: number; readonly bytes: number; readonly ecpu: number }>>;
}


export function redisUsageMinus(after: RedisCommandUsage, before: RedisCommandUsage): RedisCommandUsage {
  const commands: Record<string, { count: number; bytes: number; ecpu: number }> = {};
  for (const [name, used] of Object.entries(after.commands)) {
    const was = before.commands[name] ?? { count: 0, bytes: 0, ecpu: 0 };
    if (used.count !== was.count) commands[name] = { count: used.count - was.count, bytes: used.bytes - was.bytes, ecpu: used.ecpu - was.ecpu };
  }
  return { commands };
}

/**
 * ElastiCache Serverless: a simple command costs 1 ECPU per KB it transfers, at least 1
 * (aws-prices.ts). Scripts also pay for vCPU time, which is not measurable here: for EVALSHA this
 * is a lower bound.
 */
export const ecpuOf = (bytes: number) => Math.max(1, bytes / 1024);

/** The end offset of the RESP2 value starting at `offset`, or undefined if it is not all there yet. */
function respEnd(buffer: Buffer, offset: number): number | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const header = buffer.toString('latin1', offset + 1, lineEnd);
  if (type === '+' || type === '-' || type === ':') return lineEnd + 2;
  const length = Number(header);
  if (type === '$') {
    if (length < 0) return lineEnd + 2;
    const end = lineEnd + 2 + length + 2;
    return end <= buffer.length ? end : undefined;
  }
  if (type === '*') {
    let at: number | undefined = lineEnd + 2;
    for (let i = 0; i < length && at !== undefined; i++) at = respEnd(buffer, at);
    return at;
  }
  // An inline command (never sent by ioredis): one line.
  return lineEnd + 2;
}

/** The command name of a request (the array's first bulk string), lower case. */
function commandName(request: Buffer): string {
  if (request[0] !== 0x2a) return request.toString('latin1', 0, request.indexOf(' ')).toLowerCase();
  const lengthStart = request.indexOf('\r\n') + 2;
  const lengthEnd = request.indexOf('\r\n', lengthStart);
  const length = Number(request.toString('latin1', lengthStart + 1, lengthEnd));
  return request.toString('latin1', lengthEnd + 2, lengthEnd + 2 + length).toLowerCase();
}

/** Cuts a byte stream into whole RESP values, keeping a partial one for the next chunk. */
class RespStream {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onValue: (value: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let start = 0;
    while (start < this.pending.length) {
      const end = respEnd(this.pending, start);
      if (end === undefined) break;
      this.onValue(this.pending.subarray(start, end));
      start = end;
    }
    this.pending = this.pending.subarray(start);
  }
}

export class RedisCommandCounter {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly commands: Record<string, { count: number; bytes: number; ecpu: number }> = {};
  private lastActivity = 0;
  /** When the first command since `mark()` was sent. */
  private firstActivity: number | undefined;
  private awaitingReplies = 0;

  /** @param upstream the server's `redis://host:port` */
  constructor(private readonly upstream: string) {}

  /** Starts listening and makes the server announce this port; returns the proxy's URL. */
  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = net.createServer((client) => this.relay(client, target));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    await withProbe(this.upstream, (admin) => admin.config('SET', 'cluster-announce-port', String(port)));
    return `redis://127.0.0.1:${port}`;
  }

  snapshot(): RedisCommandUsage {
    return { commands: Object.fromEntries(Object.entries(this.commands).map(([name, used]) => [name, { ...used }])) };
  }

  /** Milliseconds since a command was last sent or answered; 0 while a reply is awaited. */
  idleMs(): number {
    return this.awaitingReplies > 0 ? 0 : performance.now() - this.lastActivity;
  }

  /** Starts a new span of activity (see `activity()`). */
  mark(): void {
    this.firstActivity = undefined;
  }

  /** When the first command since `mark()` was sent and when the last one was answered (performance.now()). */
  activity(): { first?: number; last: number } {
    return { ...(this.firstActivity === undefined ? {} : { first: this.firstActivity }), last: this.lastActivity };
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(client: net.Socket, target: URL): void {
    const server = net.connect(Number(target.port), target.hostname);
    this.sockets.add(client);
    this.sockets.add(server);
    // Replies come in request order: each one closes the oldest command waiting.
    const waiting: { name: string; bytes: number }[] = [];
    const requests = new RespStream((request) => {
      waiting.push({ name: commandName(request), bytes: request.length });
      this.awaitingReplies++;
      this.lastActivity = performance.now();
      this.firstActivity ??= this.lastActivity;
    });
    const replies = new RespStream((reply) => {
      const command = waiting.shift();
      if (!command) return;
      this.awaitingReplies--;
      this.lastActivity = performance.now();
      const bytes = command.bytes + reply.length;
      const used = (this.commands[command.name] ??= { count: 0, bytes: 0, ecpu: 0 });
      used.count++;
      used.bytes += bytes;
      used.ecpu += ecpuOf(bytes);
    });
    client.on('data', (chunk: Buffer) => {
      requests.push(chunk);
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      replies.push(chunk);
      client.write(chunk);
    });
    const close = () => {
      this.awaitingReplies -= waiting.splice(0).length;
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    client.on('close', close);
    server.on('close', close);
    client.on('error', close);
    server.on('error', close);
  }
}
