import { randomBytes } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, inject } from 'vitest';
import type { UserLeveledUp } from '../../events/user-leveled-up.ts';
import { installClock } from '../../shared/adapters/clock.ts';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { GroupRepository } from '../../shared/adapters/dynamo/group-repository.ts';
import { levelUpItem } from '../../shared/adapters/dynamo/items/level-up.ts';
import { LevelUpOutbox } from '../../shared/adapters/dynamo/level-up-outbox.ts';
import { MemberRepository } from '../../shared/adapters/dynamo/member-repository.ts';
import { TournamentRepository } from '../../shared/adapters/dynamo/tournament-repository.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { createRedis, type RedisClient } from '../../shared/adapters/redis/client.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { SeatDispenser } from '../../shared/adapters/redis/seat-dispenser.ts';
import type { Member } from '../../shared/domain/member.ts';
import { levelUp, newProfile, type Profile } from '../../shared/domain/profile.ts';
import { newTournament } from '../../shared/domain/tournament-record.ts';
import {
  confirmReservation,
  joinGroup,
  reserveCoins,
  validateEntry,
  type EntrySagaDeps,
  type EntrySagaState,
} from '../../shared/use-cases/entry-saga.ts';
import type { GroupDeps } from '../../shared/use-cases/leaderboards.ts';
import { scoreLevelUp, type ScoreDeps } from '../../shared/use-cases/score-level-up.ts';
import type { SealDeps } from '../../shared/use-cases/seal-tournament.ts';
import { deleteKeysUnder, keysUnder, testRedis } from './redis.ts';
import { freshTable } from './table.ts';

/** Nothing listens on port 1: every command fails as if Redis were down. */
export const DEAD_REDIS_URL = 'redis://127.0.0.1:1';

/** Every repository and both boards a scoring test needs, as the use cases take them. */
export type WorldDeps = ScoreDeps & EntrySagaDeps & GroupDeps & SealDeps;

/**
 * One test's world: a fresh table shaped like the template on the run's DynamoDB Local, and
 * its own key prefix on the run's cluster-mode Redis (so the global board is the test's alone).
 */
export class ScoringWorld {
  readonly users: UserRepository;
  readonly entries: EntryRepository;
  readonly members: MemberRepository;
  readonly groups: GroupRepository;
  readonly outbox: LevelUpOutbox;
  readonly tournaments: TournamentRepository;
  readonly seats: SeatDispenser;
  readonly boards: Leaderboards;
  private readonly dead: RedisClient[] = [];

  private constructor(
    readonly table: Awaited<ReturnType<typeof freshTable>>,
    readonly redis: RedisClient,
    /** The full key prefix of this world's Redis keys. */
    readonly prefix: string,
  ) {
    this.users = new UserRepository(table);
    this.entries = new EntryRepository(table);
    this.members = new MemberRepository(table);
    this.groups = new GroupRepository(table);
    this.outbox = new LevelUpOutbox(table);
    this.tournaments = new TournamentRepository(table);
    this.seats = new SeatDispenser(redis);
    this.boards = new Leaderboards(redis);
  }

  static async create(name: string): Promise<ScoringWorld> {
    const prefix = `${inject('redisKeyPrefix')}scoring:${name}:${randomBytes(3).toString('hex')}:`;
    const world = new ScoringWorld(await freshTable(), testRedis(prefix), prefix);
    // A new stage's board: built (empty) from an empty table, as the deploy's WatchLeaderboards run does.
    await world.boards.beginGlobalRebuild();
    await world.boards.commitGlobalRebuild();
    return world;
  }

  /** The use cases' dependencies, with the live boards or the given ones. */
  deps(boards: Leaderboards = this.boards): WorldDeps {
    return {
      users: this.users,
      entries: this.entries,
      members: this.members,
      groups: this.groups,
      outbox: this.outbox,
      tournaments: this.tournaments,
      seats: this.seats,
      boards,
    };
  }

  /** Leaderboards over a Redis client that can never connect (created lazily, never retried for long). */
  deadBoards(): Leaderboards {
    const redis = createRedis({ url: DEAD_REDIS_URL, keyPrefix: this.prefix, cluster: inject('redisCluster'), lazyConnect: true });
    redis.on('error', () => {}); // connection refused is the point
    this.dead.push(redis);
    return new Leaderboards(redis);
  }

  async tournament(tournamentId: string): Promise<void> {
    await this.tournaments.createIfAbsent(newTournament(tournamentId, new Date(`${tournamentId}T00:00:00.000Z`)));
  }

  /**
   * A player at `level`, created at `at`, and shown on the global board at that level as
   * `createProfile` does for a new player.
   */
  async player(userId: string, level: number, at: string, options: { coins?: number; displayName?: string } = {}): Promise<Profile> {
    const profile: Profile = { ...newProfile(userId, options.displayName ?? `name-${userId}`, new Date(at)), level, coins: options.coins ?? 1000 };
    const { created } = await this.users.createIfAbsent(profile);
    if (!created) throw new Error(`player ${userId} exists already`);
    await this.boards.setLevel({ userId, displayName: profile.displayName, level, reachedAt: profile.levelReachedAt });
    return profile;
  }

  /**
   * Seats players through the saga's steps as the state machine runs them, all at `requestedAt`
   * (the saga's clock is set to it, so joinedAt is `requestedAt` too). Entries run concurrently.
   */
  async enter(userIds: readonly string[], tournamentId: string, requestedAt: string): Promise<EntrySagaState[]> {
    installClock(() => new Date(requestedAt));
    try {
      const deps = this.deps();
      return await Promise.all(
        userIds.map(async (userId) => {
          const start: EntrySagaState = { userId, tournamentId, requestedAt };
          return confirmReservation(deps, await joinGroup(deps, await reserveCoins(deps, await validateEntry(deps, start))));
        }),
      );
    } finally {
      installClock(undefined);
    }
  }

  /**
   * Commits a level-up through the repository (so its outbox item exists, listed as unscored)
   * and returns the UserLeveledUp detail the pipe would publish for it.
   */
  async levelUp(userId: string, levels: number, at: string): Promise<UserLeveledUp> {
    const from = await this.users.get(userId, { consistent: true });
    if (!from) throw new Error(`no player ${userId}`);
    const outcome = await this.users.commitLevelUp({ from, levelUp: levelUp(from, levels), at: new Date(at) });
    if (outcome !== 'applied') throw new Error(`level-up of ${userId} was ${outcome}`);
    const item = await this.outboxItem(userId, from.level + levels);
    if (!item) throw new Error(`no outbox item for ${userId}`);
    return {
      eventId: String(item['eventId']),
      userId,
      fromLevel: Number(item['fromLevel']),
      toLevel: Number(item['toLevel']),
      at: String(item['at']),
    };
  }

  async outboxItem(userId: string, toLevel: number): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: levelUpItem.key(userId, toLevel), ConsistentRead: true }),
    );
    return Item;
  }

  /** Runs the score consumer's use case on one event. */
  async score(event: UserLeveledUp, now: Date = new Date(new Date(event.at).getTime() + 1_000), boards?: Leaderboards): Promise<void> {
    await scoreLevelUp(this.deps(boards), event, now);
  }

  /** The member item of a player's entry in a tournament (undefined if not entered). */
  async memberOf(userId: string, tournamentId: string): Promise<Member | undefined> {
    const entry = await this.entries.get(userId, tournamentId);
    if (!entry?.groupId) return undefined;
    return this.members.get(tournamentId, entry.groupId, userId);
  }

  /** Every item of an entity kind (a scan; the worlds are small). */
  async itemsOf(entity: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new ScanCommand({
          TableName: this.table.tableName,
          FilterExpression: 'entity = :entity',
          ExpressionAttributeValues: { ':entity': entity },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** This world's Redis keys, as full key names. */
  async redisKeys(): Promise<string[]> {
    return keysUnder(this.redis, this.prefix);
  }

  /** Deletes every key of this world (Redis lost its data); returns how many were deleted. */
  async clearRedis(): Promise<number> {
    return deleteKeysUnder(this.redis, this.prefix);
  }

  async close(): Promise<void> {
    installClock(undefined);
    await this.clearRedis().catch(() => 0);
    this.redis.disconnect();
    for (const redis of this.dead) redis.disconnect();
    await this.table.drop();
  }
}

/**
 * The worlds of one test file: `world(name)` creates one, and every world is closed after each
 * test (call at the top of a describe block).
 */
export function scoringWorlds(): (name: string) => Promise<ScoringWorld> {
  let worlds: ScoringWorld[] = [];
  afterEach(async () => {
    await Promise.all(worlds.map((w) => w.close()));
    worlds = [];
  });
  return async (name) => {
    const w = await ScoringWorld.create(name);
    worlds.push(w);
    return w;
  };
}
