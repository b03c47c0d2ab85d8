import type { LevelUp, Profile } from '../../domain/profile.ts';
import type { TableRef } from './client.ts';
import { getItem, scanPage, transactWrite, type Item, type TransactionPart } from './commands.ts';
import { transactionOutcome } from './errors.ts';
import { idempotencyItem, type IdempotencyRecord } from './items/idempotency.ts';
import { levelUpItem } from './items/level-up.ts';
import { profileItem, type ProfileOnBoard } from './items/profile.ts';

export type LevelUpOutcome =
  /** Committed: the profile and (if any) the idempotency record were written together. */
  | 'applied'
  /** The profile changed since it was read; read it again and retry. */
  | 'stale'
  /** An idempotency record with this key already exists: answer from it. */
  | 'duplicate'
  /** Another transaction on the same items was in flight (DynamoDB TransactionConflict). */
  | 'conflict';

/** Racing creations of one profile conflict in DynamoDB at most a few times before one commits. */
const CREATE_ATTEMPTS = 3;

/** Player profiles: creation, level-ups (with their outbox item) and the scan the global rebuild reads. */
export class UserRepository {
  constructor(private readonly table: TableRef) {}

  async get(userId: string, options: { consistent?: boolean } = {}): Promise<Profile | undefined> {
    const item = await getItem(this.table, profileItem.key(userId), options);
    return item ? profileItem.fromItem(item) : undefined;
  }

  /**
   * Creates the profile unless one exists; never overwrites (so coins are granted once). The
   * player's arrival is committed with it (its outbox item puts them on the global board).
   */
  async createIfAbsent(profile: Profile): Promise<{ created: boolean; profile: Profile }> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await transactionOutcome(
        transactWrite(this.table, [{ Put: profileItem.create(profile) }, { Put: levelUpItem.arrival(profile) }]),
        'created',
        [[0, 'exists']],
      );
      if (outcome === 'created') return { created: true, profile };
      // 'exists', or 'conflict': a racing creation of the same profile is committing; either way
      // the profile is there once it is done, unless the racer failed, then try again.
      const existing = await this.get(profile.userId, { consistent: true });
      if (existing) return { created: false, profile: existing };
      if (outcome === 'exists' || attempt >= CREATE_ATTEMPTS) throw new Error(`the profile of ${profile.userId} could not be created or read`);
    }
  }

  /**
   * Writes a level-up in one transaction: the profile moves from the state it was read in
   * (optimistic check on level and coins), the level-up's outbox item is created, and, when the
   * client sent an Idempotency-Key, so is the key's record, so a retry can never apply it twice.
   */
  async commitLevelUp(args: {
    readonly from: Profile;
    readonly levelUp: LevelUp;
    readonly at: Date;
    readonly idempotency?: IdempotencyRecord;
  }): Promise<LevelUpOutcome> {
    const { from, levelUp, at, idempotency } = args;
    const parts: TransactionPart[] = [
      { Update: profileItem.levelUp(from, levelUp, at) },
      // The outbox: the level-up event is committed with the level, so the stream publishes it
      // exactly when the level changed, even if this process dies right after the commit.
      { Put: levelUpItem.record(from, levelUp, at) },
      ...(idempotency ? [{ Put: idempotencyItem.remember(idempotency, at) }] : []),
    ];
    // A known key outranks a stale profile: the retry is answered from the record.
    return transactionOutcome(transactWrite(this.table, parts), 'applied', [
      [2, 'duplicate'],
      [0, 'stale'],
    ]);
  }

  /**
   * One page of one segment of a parallel scan over the profiles (Segment/TotalSegments), with
   * only what a leaderboard needs: the rebuild reads the table in bounded slices, many at once.
   */
  async scanProfiles(args: {
    segment: number;
    totalSegments: number;
    exclusiveStartKey?: Item;
  }): Promise<{ profiles: ProfileOnBoard[]; lastEvaluatedKey?: Item }> {
    const page = await scanPage(this.table, profileItem.boardScan(args));
    return { profiles: page.items.map(profileItem.onBoardFromItem), ...(page.next ? { lastEvaluatedKey: page.next } : {}) };
  }
}
