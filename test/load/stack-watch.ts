import { LoadHttp, StackConnections } from './http.ts';
import { processTreeCpu, processTreeSockets, type CpuByCommand, type SocketUse } from './process-tree.ts';
import { LoadStats } from './stats.ts';

/** One sample of the stack's state, every SAMPLE_MS during the load. */
export interface WatchSample {
  /** Seconds since the load started. */
  readonly second: number;
  /** Latency of GET /_local/clock (no dependency behind it: the stack's event loop and accept queue alone); undefined when it got no answer. */
  readonly probeMs?: number;
  /** Cores each of the stack's processes used since the previous sample (1 = one core busy all the time). */
  readonly cores: CpuByCommand;
  /** Open sockets of each (about one per client connection to DynamoDB Local and to Redis), and its longest accept queue. */
  readonly sockets: Record<string, SocketUse>;
}

const SAMPLE_MS = 2000;

/**
 * Watches the stack while it is loaded, so a slow run says where the time went: a probe that
 * needs nothing but the stack's Node event loop (if it is slow, that process is the bottleneck,
 * or starved of CPU), and the cores its processes (Node, the DynamoDB Local JVM, redis-server)
 * use. The probe has connections of its own, so it never waits behind the VUs' requests.
 */
export class StackWatch {
  private readonly connections: StackConnections;
  private readonly probe: LoadHttp;
  private readonly samples: WatchSample[] = [];
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lastCpu: CpuByCommand;
  private lastAt = Date.now();

  constructor(url: string, private readonly stackPid: number | undefined) {
    this.connections = new StackConnections(url, 2);
    this.probe = new LoadHttp(this.connections, new LoadStats());
    this.lastCpu = processTreeCpu(stackPid);
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
  }

  async stop(): Promise<WatchSample[]> {
    clearInterval(this.timer);
    await this.connections.close();
    return this.samples;
  }

  private async sample(): Promise<void> {
    const second = (Date.now() - this.startedAt) / 1000;
    const sent = performance.now();
    const answer = await this.probe.send('probe', 'GET', '/_local/clock');
    const probeMs = answer.ok ? performance.now() - sent : undefined;
    const now = Date.now();
    const cpu = processTreeCpu(this.stackPid);
    const elapsed = (now - this.lastAt) / 1000;
    const cores = Object.fromEntries(Object.entries(cpu).map(([command, seconds]) => [command, (seconds - (this.lastCpu[command] ?? 0)) / elapsed]));
    this.lastCpu = cpu;
    this.lastAt = now;
    const sockets = processTreeSockets(this.stackPid);
    this.samples.push({ second: Math.round(second), ...(probeMs === undefined ? {} : { probeMs: Math.round(probeMs) }), cores, sockets });
  }
}
