import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { localClient } from './dynamodb-local.ts';

export type StreamRecord = _Record;

/** The sequence number of the last record handled, per shard id. */
export type ShardPositions = Record<string, string>;

export interface StreamCheckpoint {
  load(): Promise<ShardPositions | undefined>;
  save(positions: ShardPositions): Promise<void>;
}

export interface DynamoDbStreamPollerOptions {
  endpoint: string;
  tableName: string;
  /** Gets each batch of one shard, in stream order; a throw hands the same batch over again later. */
  onRecords(records: StreamRecord[]): Promise<void>;
  pollIntervalMs?: number;
  /** Where handled positions survive a restart; without one, every start reads from the trim horizon. */
  checkpoint?: StreamCheckpoint;
  /**
   * Where a shard open at start with no saved position is read from: its oldest record (the
   * default) or only what is written from now on (a stack that keeps nothing replays no history).
   * Shards that appear later (children of a split) are always read from their start.
   */
  startAt?: 'TRIM_HORIZON' | 'LATEST';
}

/**
 * Reads a table's stream on DynamoDB Local the way the outbox's EventBridge Pipe reads it in AWS:
 * shard by shard, in order, at least once. A shard's position moves (and is checkpointed) only
 * after `onRecords` resolved for the batch, so a process that dies at any point re-reads from
 * the last handled record after a restart: what was written while it was down still arrives,
 * and the consumer makes the possible duplicates harmless. A child shard is read only once its
 * parent is read to the end, so records of one key stay in order across shard splits.
 */
export class DynamoDbStreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private positions: ShardPositions = {};
  /** Where the next read of each shard starts (open shards only once read). */
  private readonly iterators = new Map<string, string>();
  /** Closed shards read to their end. */
  private readonly finished = new Set<string>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private roundsStarted = 0;
  private drainWaiters: { afterRound: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly options: DynamoDbStreamPollerOptions) {
    this.streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: process.env['AWS_REGION'] ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  async start(): Promise<void> {
    if (this.loop) throw new Error('the stream poller was already started');
    this.positions = (await this.options.checkpoint?.load()) ?? {};
    const tables = localClient(this.options.endpoint);
    try {
      const { Table } = await tables.send(new DescribeTableCommand({ TableName: this.options.tableName }));
      if (!Table?.LatestStreamArn) throw new Error(`table ${this.options.tableName} has no stream`);
      if (this.options.startAt === 'LATEST') {
        // Taken now, before start() returns: whatever is written after it will be read.
        for (const shardId of await this.readableShards(Table.LatestStreamArn)) {
          if (this.positions[shardId]) continue;
          const { ShardIterator } = await this.streams.send(
            new GetShardIteratorCommand({ StreamArn: Table.LatestStreamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }),
          );
          if (ShardIterator) this.iterators.set(shardId, ShardIterator);
        }
      }
      this.loop = this.run(Table.LatestStreamArn);
    } finally {
      tables.destroy();
    }
  }

  /** Resolves once the batch in hand is handled (or, if it keeps failing, left unhandled for the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.streams.destroy();
    for (const waiter of this.drainWaiters.splice(0)) waiter.reject(new Error('the stream poller stopped'));
  }

  /** Resolves once every record written before the call has been handled: a round that starts later finds nothing new. */
  drained(): Promise<void> {
    if (!this.loop || this.stopping) return Promise.reject(new Error('the stream poller is not running'));
    return new Promise((resolve, reject) => this.drainWaiters.push({ afterRound: this.roundsStarted, resolve, reject }));
  }

  private async run(streamArn: string): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const round = ++this.roundsStarted;
      try {
        const busy = await this.pollOnce(streamArn);
        failures = 0;
        if (busy) continue;
        this.settleDrainWaiters(round);
        await this.sleep(this.options.pollIntervalMs ?? 100);
      } catch (error) {
        // DynamoDB Local restarting, a failed checkpoint write: nothing moved, so the next round retries.
        console.error(`Good Swipe local stack: reading the stream of ${this.options.tableName} failed: ${String(error)}`);
        await this.sleep(backOffMs(++failures));
      }
    }
  }

  /** Reads each readable shard once; true if records were handled or a shard ended (more may follow at once). */
  private async pollOnce(streamArn: string): Promise<boolean> {
    let busy = false;
    for (const shardId of await this.readableShards(streamArn)) {
      if (this.stopping) break;
      const iterator = this.iterators.get(shardId) ?? (await this.shardIterator(streamArn, shardId));
      if (!iterator) {
        this.finished.add(shardId); // a closed shard with nothing left to read
        busy = true;
        continue;
      }
      const page = await this.getRecords(iterator);
      if (!page) {
        this.iterators.delete(shardId); // expired: the next round asks for a new one at the checkpoint
        busy = true;
        continue;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        if (!(await this.deliver(records))) return true;
        this.positions[shardId] = records.at(-1)!.dynamodb!.SequenceNumber!;
        await this.options.checkpoint?.save({ ...this.positions });
        busy = true;
      }
      if (page.NextShardIterator) {
        this.iterators.set(shardId, page.NextShardIterator);
      } else {
        this.iterators.delete(shardId); // a closed shard read to its end: its children come next
        this.finished.add(shardId);
        busy = true;
      }
    }
    return busy;
  }

  /** Shards not yet read to their end whose parent (if the stream still lists it) has been. */
  private async readableShards(streamArn: string): Promise<string[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    const listed = new Set(shards.map((shard) => shard.ShardId));
    return shards
      .filter((shard) => !this.finished.has(shard.ShardId!))
      .filter((shard) => !shard.ParentShardId || !listed.has(shard.ParentShardId) || this.finished.has(shard.ParentShardId))
      .map((shard) => shard.ShardId!);
  }

  /** Just after the last handled record of the shard, or its oldest record if none was handled. */
  private async shardIterator(streamArn: string, shardId: string): Promise<string | undefined> {
    const after = this.positions[shardId];
    const from = after
      ? ({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } as const)
      : ({ ShardIteratorType: 'TRIM_HORIZON' } as const);
    try {
      return (await this.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...from })))
        .ShardIterator;
    } catch (error) {
      // Records past the stream's retention are gone whatever we do: go on from the oldest left.
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      return (
        await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).ShardIterator;
    }
  }

  /** A page of records, or undefined if the iterator expired (they last 15 minutes). */
  private async getRecords(iterator: string) {
    try {
      return await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException) return undefined;
      throw error;
    }
  }

  /** Hands a batch over until the callback takes it; false if the poller was stopped first. */
  private async deliver(records: StreamRecord[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.onRecords(records);
        return true;
      } catch (error) {
        console.error(
          `Good Swipe local stack: handling ${records.length} stream records of ${this.options.tableName} failed (attempt ${attempt}), retrying: ${String(error)}`,
        );
        await this.sleep(backOffMs(attempt));
        if (this.stopping) return false;
      }
    }
  }

  private settleDrainWaiters(quietRound: number): void {
    this.drainWaiters = this.drainWaiters.filter((waiter) => {
      if (waiter.afterRound >= quietRound) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Waits `ms`, or less if `stop()` is called meanwhile. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function backOffMs(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 5_000);
}

/**
 * A checkpoint in a JSON file, replaced whole (temp file, then rename): a process killed while
 * saving leaves the previous checkpoint, never a torn one.
 */
export function fileCheckpoint(path: string): StreamCheckpoint {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as ShardPositions;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async save(positions) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(positions));
      await rename(temporary, path);
    },
  };
}
