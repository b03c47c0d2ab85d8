import type { RedisClient } from './client.ts';
import type { BoardKeys } from './keys.ts';

/*
 * The boards' Lua scripts. A script runs atomically on the node that owns its keys, so the
 * order set and the entries hash of a board (same hash tag, same slot) never disagree, and a
 * read sees one board, not two halves of two boards. Layouts: see board-order.ts.
 */

/**
 * raise(order, entries, userId, value, ms, name): greater value wins; an equal value keeps the
 * earlier time (a late duplicate or an out-of-order event never moves anyone back). Returns 1 if
 * it moved the player. `value` and `ms` are digit strings (the padded ms keeps byte order).
 */
const RAISE = `
local function raise(order, entries, userId, value, ms, name)
  local stored = redis.call('HGET', entries, userId)
  if stored then
    local oldValue, oldMs = string.match(stored, '^(%d+)|(%d+)|')
    local ov, nv = tonumber(oldValue), tonumber(value)
    if ov > nv or (ov == nv and tonumber(oldMs) <= tonumber(ms)) then return 0 end
    redis.call('ZREM', order, oldMs .. ':' .. userId)
  end
  redis.call('ZADD', order, '-' .. value, ms .. ':' .. userId)
  redis.call('HSET', entries, userId, value .. '|' .. ms .. '|' .. name)
  return 1
end
`;

/**
 * positionOf(order, member, score): 0-based position of `member`, or, if it is not in the set
 * (a cursor whose player moved, a player not on the board), how many members come before it:
 * it is added, ranked and removed inside the script, so nobody sees it. O(log n).
 */
const POSITION_OF = `
local function positionOf(order, member, score)
  local rank = redis.call('ZRANK', order, member)
  if rank then return rank, true end
  redis.call('ZADD', order, score, member)
  rank = redis.call('ZRANK', order, member)
  redis.call('ZREM', order, member)
  return rank, false
end
`;

const SCRIPTS = {
  /**
   * KEYS order, entries, complete; ARGV ttl (0: none), mark complete ('1' when the entries are
   * the whole board from DynamoDB), then userId, value, ms, name per entry.
   */
  gsBoardRaiseMany: {
    numberOfKeys: 3,
    lua: `${RAISE}
local raised = 0
for i = 3, #ARGV, 4 do raised = raised + raise(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) end
if ARGV[2] == '1' then redis.call('SET', KEYS[3], '1') end
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  for k = 1, 3 do redis.call('EXPIRE', KEYS[k], ttl) end
end
return raised`,
  },
  /**
   * KEYS order, entries, complete, rebuild order, rebuild entries, rebuild marker; ARGV as
   * gsBoardRaiseMany. A write to a live board: while the board is being rebuilt (the marker
   * exists), each entry is raised in the rebuild copy too. The copy is filled from DynamoDB as
   * it stood when the rebuild began, so a write since then must reach it, or the commit that
   * replaces the live board with the copy would undo it.
   */
  gsBoardRaiseLive: {
    numberOfKeys: 6,
    lua: `${RAISE}
local rebuilding = redis.call('EXISTS', KEYS[6]) == 1
local raised = 0
for i = 3, #ARGV, 4 do
  raised = raised + raise(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
  if rebuilding then raise(KEYS[4], KEYS[5], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) end
end
if ARGV[2] == '1' then redis.call('SET', KEYS[3], '1') end
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  for k = 1, 3 do redis.call('EXPIRE', KEYS[k], ttl) end
end
if rebuilding then
  -- The copy lives as long as its marker: a rebuild that never commits leaves nothing behind.
  local left = redis.call('PTTL', KEYS[6])
  if left > 0 then
    redis.call('PEXPIRE', KEYS[4], left)
    redis.call('PEXPIRE', KEYS[5], left)
  end
end
return raised`,
  },
  /**
   * KEYS rebuild order, rebuild entries, marker; ARGV token, marker ttl: an empty copy and the
   * marker naming this rebuild, at once. A rebuild begun later takes the marker over.
   */
  gsBoardBeginRebuild: {
    numberOfKeys: 3,
    lua: `
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[2])
return 1`,
  },
  /**
   * KEYS order, entries, complete; ARGV cursor member ('' = from the top), cursor score, count
   * (-1 = all). Returns { complete (1/0), first position, member, score, stored entry, ... }.
   */
  gsBoardPage: {
    numberOfKeys: 3,
    lua: `${POSITION_OF}
local start = 0
if ARGV[1] ~= '' then
  local rank, present = positionOf(KEYS[1], ARGV[1], ARGV[2])
  start = present and rank + 1 or rank
end
local count = tonumber(ARGV[3])
local stop = count < 0 and -1 or start + count - 1
local flat = redis.call('ZRANGE', KEYS[1], start, stop, 'WITHSCORES')
local out = { redis.call('EXISTS', KEYS[3]), start }
for i = 1, #flat, 2 do
  local userId = string.sub(flat[i], 17)
  out[#out + 1] = flat[i]
  out[#out + 1] = flat[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], userId) or ''
end
return out`,
  },
  /** KEYS order; ARGV member, score: how many members come before it (its position if present). */
  gsBoardPositionFor: {
    numberOfKeys: 1,
    lua: `${POSITION_OF}
local rank = positionOf(KEYS[1], ARGV[1], ARGV[2])
return rank`,
  },
  /** KEYS order, entries, complete; ARGV userId: { complete (1/0), position, stored entry } ({ complete } if not on the board). */
  gsBoardPositionOfUser: {
    numberOfKeys: 3,
    lua: `
local complete = redis.call('EXISTS', KEYS[3])
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if not stored then return { complete } end
local ms = string.match(stored, '^%d+|(%d+)|')
local rank = redis.call('ZRANK', KEYS[1], ms .. ':' .. ARGV[1])
if not rank then return { complete } end
return { complete, rank, stored }`,
  },
  /**
   * KEYS rebuild order, rebuild entries, order, entries, marker, complete; ARGV token ('': any),
   * ttl (0: none), then userId, value, ms, name per entry to raise in the copy first. The rebuilt
   * board replaces the live one (RENAME, O(1) per key) and the marker goes, all at once; returns
   * the board's size. Fails if the marker is gone (expired, or a later rebuild committed):
   * writes since then may be missing from the copy, so it must not go live. Returns -1, changing
   * nothing, if a rebuild begun later holds the marker: its commit will stand.
   */
  gsBoardCommitRebuild: {
    numberOfKeys: 6,
    lua: `${RAISE}
local marker = redis.call('GET', KEYS[5])
if not marker then
  return redis.error_reply('ERR no rebuild of this board in progress (never begun, expired, or committed by a later one)')
end
if ARGV[1] ~= '' and marker ~= ARGV[1] then return -1 end
for i = 3, #ARGV, 4 do raise(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[3])
  redis.call('RENAME', KEYS[2], KEYS[4])
else
  redis.call('DEL', KEYS[3], KEYS[4])
end
redis.call('DEL', KEYS[5])
-- RENAME keeps the copy's expiry (its marker's): the live board gets its own, or none.
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[3], ttl)
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('SET', KEYS[6], '1', 'EX', ttl)
else
  redis.call('PERSIST', KEYS[3])
  redis.call('PERSIST', KEYS[4])
  -- Built from DynamoDB: the live board can be trusted again.
  redis.call('SET', KEYS[6], '1')
end
return redis.call('ZCARD', KEYS[3])`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...keysThenArgs: string[]) => Promise<unknown>;

/** The scripts as typed calls (ioredis sends EVALSHA and falls back to EVAL once). */
export class BoardScripts {
  private readonly calls: Record<ScriptName, ScriptCall>;

  constructor(redis: RedisClient) {
    for (const [name, definition] of Object.entries(SCRIPTS)) redis.defineCommand(name, definition);
    // defineCommand adds methods ioredis' types cannot know: this is their one typed view.
    this.calls = redis as unknown as Record<ScriptName, ScriptCall>;
  }

  async raiseMany(board: BoardKeys, ttlSeconds: number, entryArgs: readonly string[], options: { complete?: boolean } = {}): Promise<number> {
    return Number(
      await this.calls.gsBoardRaiseMany(board.order, board.entries, board.complete, String(ttlSeconds), options.complete ? '1' : '0', ...entryArgs),
    );
  }

  /** A write to a live board (`rebuild`: its copy and marker, raised too while a rebuild runs). */
  async raiseLive(
    board: BoardKeys,
    rebuild: { readonly copy: BoardKeys; readonly marker: string },
    ttlSeconds: number,
    entryArgs: readonly string[],
    options: { complete?: boolean } = {},
  ): Promise<number> {
    const { copy, marker } = rebuild;
    return Number(
      await this.calls.gsBoardRaiseLive(
        board.order, board.entries, board.complete, copy.order, copy.entries, marker,
        String(ttlSeconds), options.complete ? '1' : '0', ...entryArgs,
      ),
    );
  }

  async beginRebuild(copy: BoardKeys, marker: string, token: string, markerTtlSeconds: number): Promise<void> {
    await this.calls.gsBoardBeginRebuild(copy.order, copy.entries, marker, token, String(markerTtlSeconds));
  }

  /** `count` >= 1, or -1 for everything after the cursor. */
  async page(board: BoardKeys, count: number, after?: { member: string; score: string }): Promise<{ complete: boolean; start: number; rows: PageRow[] }> {
    const flat = (await this.calls.gsBoardPage(board.order, board.entries, board.complete, after?.member ?? '', after?.score ?? '0', String(count))) as (
      | string
      | number
    )[];
    const rows: PageRow[] = [];
    for (let i = 2; i < flat.length; i += 3) {
      rows.push({ member: String(flat[i]), score: String(flat[i + 1]), stored: String(flat[i + 2]) });
    }
    return { complete: Number(flat[0]) === 1, start: Number(flat[1]), rows };
  }

  async positionFor(board: BoardKeys, member: string, score: string): Promise<number> {
    return Number(await this.calls.gsBoardPositionFor(board.order, member, score));
  }

  async positionOfUser(board: BoardKeys, userId: string): Promise<{ complete: boolean; found?: { position: number; stored: string } }> {
    const [complete, position, stored] = (await this.calls.gsBoardPositionOfUser(board.order, board.entries, board.complete, userId)) as [number, number?, string?];
    return { complete: Number(complete) === 1, ...(position === undefined ? {} : { found: { position: Number(position), stored: String(stored) } }) };
  }

  /**
   * The board's size, or -1 if a later rebuild holds the marker. `token` '': any rebuild;
   * `entryArgs`: raised in the copy first, in the same script.
   */
  async commitRebuild(
    copy: BoardKeys,
    board: BoardKeys,
    marker: string,
    options: { token?: string; ttlSeconds?: number; entryArgs?: readonly string[] } = {},
  ): Promise<number> {
    return Number(
      await this.calls.gsBoardCommitRebuild(
        copy.order, copy.entries, board.order, board.entries, marker, board.complete,
        options.token ?? '', String(options.ttlSeconds ?? 0), ...(options.entryArgs ?? []),
      ),
    );
  }
}

export interface PageRow {
  readonly member: string;
  readonly score: string;
  /** The entries hash's value for the member's player ('' if missing). */
  readonly stored: string;
}
