import { newMember } from '../../domain/member.ts';
import { isEntered, type Entry } from '../../domain/entry.ts';
import { groupNumberOf } from '../../domain/tournament.ts';
import type { TableRef } from './client.ts';
import { getItem, queryAll, queryPage, transactWrite, updateItem, type Item } from './commands.ts';
import { appliedIfCondition, transactionOutcome } from './errors.ts';
import { entryItem } from './items/entry.ts';
import { groupItem } from './items/group.ts';
import { memberItem } from './items/member.ts';
import { profileItem } from './items/profile.ts';
import { PLAYER_SHARDS } from './items/secondary-index.ts';

export type ReserveOutcome = 'reserved' | 'already-entered' | 'cannot-pay' | 'conflict';
export type JoinOutcome = 'joined' | 'not-reserved' | 'group-full' | 'level-changed' | 'conflict';
export type RefundOutcome = 'refunded' | 'not-reserved' | 'conflict';

/**
 * Entries, their coin reservations and group membership. Every write is one DynamoDB
 * transaction (or conditional write) whose conditions make it safe to retry and safe against
 * every other step.
 */
export class EntryRepository {
  constructor(private readonly table: TableRef) {}

  async get(userId: string, tournamentId: string): Promise<Entry | undefined> {
    const item = await getItem(this.table, entryItem.key(userId, tournamentId), { consistent: true });
    return item ? entryItem.fromItem(item) : undefined;
  }

  /**
   * The entry, read for its group (the boards, the rank, the claim): eventually consistent first,
   * at half the read units, and strongly consistent only when that finds no group. As exact as
   * `get`: a group once joined is the entry's for good (JOINED only ever moves to CONFIRMED), so
   * a stale read that shows a group shows the right one, and one that shows none (a join a moment
   * ago, not replicated yet) is read again.
   */
  async getForGroup(userId: string, tournamentId: string): Promise<Entry | undefined> {
    const item = await getItem(this.table, entryItem.key(userId, tournamentId));
    const entry = item ? entryItem.fromItem(item) : undefined;
    return isEntered(entry) ? entry : this.get(userId, tournamentId);
  }

  /**
   * Takes the fee from the profile and records the reservation, in one commit. The entry's key
   * derives from player and tournament, so a retry finds it instead of charging again; only
   * a REFUNDED entry may be reserved again. The fee and the level are the tournament's.
   */
  async reserve(args: { userId: string; tournamentId: string; fee: number; minLevel: number; at: Date; expiresAt: Date }): Promise<ReserveOutcome> {
    const { userId, fee, minLevel, at } = args;
    const reserve = transactWrite(this.table, [
      { Update: entryItem.reserve(args) },
      { Update: profileItem.chargeEntryFee({ userId, fee, minLevel, at }) },
    ]);
    return transactionOutcome(reserve, 'reserved', [
      [0, 'already-entered'],
      [1, 'cannot-pay'],
    ]);
  }

  /**
   * Seats the player in a group: the entry moves RESERVED -> JOINED, the group's member count
   * grows (never past the tournament's group size) and the member item is written, all or nothing.
   */
  async join(args: {
    userId: string;
    tournamentId: string;
    groupId: string;
    groupSize: number;
    displayName: string;
    /** The player's level now: only levels reached after joining will score. */
    levelAtEntry: number;
    at: Date;
  }): Promise<JoinOutcome> {
    const { userId, tournamentId, groupId, groupSize, displayName, levelAtEntry } = args;
    const joinedAt = args.at.toISOString();
    const join = transactWrite(this.table, [
      { Update: entryItem.join({ userId, tournamentId, groupId, joinedAt }) },
      { Update: groupItem.takeSeat({ tournamentId, groupId, groupNumber: groupNumberOf(groupId), groupSize }) },
      { Put: memberItem.seat(newMember({ tournamentId, groupId, userId, displayName, levelAtEntry, joinedAt })) },
      // The level read before joining is still the level: levelAtEntry is exact.
      { ConditionCheck: profileItem.levelIs(userId, levelAtEntry) },
    ]);
    return transactionOutcome(join, 'joined', [
      [0, 'not-reserved'],
      [1, 'group-full'],
      [2, 'not-reserved'],
      [3, 'level-changed'],
    ]);
  }

  /** JOINED -> CONFIRMED: the saga finished. False if the entry is not JOINED. */
  async confirm(userId: string, tournamentId: string, at: Date): Promise<boolean> {
    return appliedIfCondition(updateItem(this.table, entryItem.confirm(userId, tournamentId, at)));
  }

  /** RESERVED -> REFUNDED with the fee back on the profile, in one commit. */
  async refund(userId: string, tournamentId: string, at: Date): Promise<RefundOutcome> {
    const entry = await this.get(userId, tournamentId);
    if (!entry || entry.status !== 'RESERVED') return 'not-reserved';
    const refund = transactWrite(this.table, [
      { Update: entryItem.refund(entry, at) },
      { Update: profileItem.refundEntryFee({ userId, fee: entry.fee, at }) },
    ]);
    return transactionOutcome(refund, 'refunded', [[0, 'not-reserved']]);
  }

  /**
   * The player's entries in a group (JOINED or CONFIRMED), newest tournament first, a page at a
   * time; the cursor is opaque to clients (the last key, base64url).
   */
  async enteredByUser(userId: string, limit: number, cursor?: string): Promise<{ entries: Entry[]; nextCursor?: string }> {
    const start = cursor === undefined ? undefined : startOfCursor(userId, cursor);
    const page = await queryPage(this.table, entryItem.enteredByUser(userId, limit, start));
    const last = page.next;
    return {
      entries: page.items.map(entryItem.fromItem),
      ...(last ? { nextCursor: Buffer.from(JSON.stringify({ PK: last['PK'], SK: last['SK'] })).toString('base64url') } : {}),
    };
  }

  /** Unsettled entries of a tournament whose reservation expired before `before`, one index shard after another. */
  async *expired(tournamentId: string, before: Date): AsyncGenerator<Entry> {
    for (let shard = 0; shard < PLAYER_SHARDS; shard++) {
      for (const item of await queryAll(this.table, entryItem.expired(tournamentId, shard, before))) yield entryItem.fromItem(item);
    }
  }
}

/** The key a history cursor holds, if it is one this API handed this player. */
function startOfCursor(userId: string, cursor: string): Item {
  let start: Item;
  try {
    start = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
  } catch {
    throw new InvalidCursor();
  }
  if (typeof start !== 'object' || start === null || !entryItem.isKeyOf(userId, start)) throw new InvalidCursor();
  return { PK: start['PK'], SK: start['SK'] };
}

/** A history cursor this API did not hand out (or handed to another player). */
export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}
