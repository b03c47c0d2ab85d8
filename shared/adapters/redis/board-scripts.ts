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
  /** KEYS order, entries; ARGV ttl (0: none), then userId, value, ms, name per entry. */
  gsBoardRaiseMany: {
    numberOfKeys: 2,
    lua: `${RAISE}
local raised = 0
for i = 2, #ARGV, 4 do raised = raised + raise(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) end
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return raised`,
  },
  /** KEYS order, entries, rebuild order, rebuild entries, rebuild marker; ARGV userId, value, ms, name. */
  gsBoardRaiseWithRebuild: {
    numberOfKeys: 5,
    lua: `${RAISE}
local raised = raise(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
-- A rebuild in progress will replace the live board: the level-up must be in its copy too.
if redis.call('EXISTS', KEYS[5]) == 1 then raise(KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) end
return raised`,
  },
  /**
   * KEYS order, entries; ARGV cursor member ('' = from the top), cursor score, count (-1 = all).
   * Returns { first position, member, score, stored entry, member, score, stored entry, ... }.
   */
  gsBoardPage: {
    numberOfKeys: 2,
    lua: `${POSITION_OF}
local start = 0
if ARGV[1] ~= '' then
  local rank, present = positionOf(KEYS[1], ARGV[1], ARGV[2])
  start = present and rank + 1 or rank
end
local count = tonumber(ARGV[3])
local stop = count < 0 and -1 or start + count - 1
local flat = redis.call('ZRANGE', KEYS[1], start, stop, 'WITHSCORES')
local out = { start }
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
  /** KEYS order, entries; ARGV userId: { position, stored entry }, or nil if not on the board. */
  gsBoardPositionOfUser: {
    numberOfKeys: 2,
    lua: `
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if not stored then return false end
local ms = string.match(stored, '^%d+|(%d+)|')
local rank = redis.call('ZRANK', KEYS[1], ms .. ':' .. ARGV[1])
if not rank then return false end
return { rank, stored }`,
  },
  /**
   * KEYS rebuild order, rebuild entries, order, entries, marker: the rebuilt board replaces the
   * live one (RENAME, O(1) per key) and the marker goes, all at once. Fails if the marker is gone
   * (expired): level-ups since then may be missing from the copy, so it must not go live.
   */
  gsBoardCommitRebuild: {
    numberOfKeys: 5,
    lua: `
if redis.call('EXISTS', KEYS[5]) == 0 then
  return redis.error_reply('ERR no global rebuild in progress (never begun, or its marker expired)')
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[3])
  redis.call('RENAME', KEYS[2], KEYS[4])
else
  redis.call('DEL', KEYS[3], KEYS[4])
end
redis.call('DEL', KEYS[5])
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

  async raiseMany(board: BoardKeys, ttlSeconds: number, entryArgs: readonly string[]): Promise<number> {
    return Number(await this.calls.gsBoardRaiseMany(board.order, board.entries, String(ttlSeconds), ...entryArgs));
  }

  async raiseWithRebuild(board: BoardKeys, rebuild: BoardKeys, marker: string, entryArgs: readonly string[]): Promise<number> {
    return Number(await this.calls.gsBoardRaiseWithRebuild(board.order, board.entries, rebuild.order, rebuild.entries, marker, ...entryArgs));
  }

  /** `count` >= 1, or -1 for everything after the cursor. */
  async page(board: BoardKeys, count: number, after?: { member: string; score: string }): Promise<{ start: number; rows: PageRow[] }> {
    const flat = (await this.calls.gsBoardPage(board.order, board.entries, after?.member ?? '', after?.score ?? '0', String(count))) as (
      | string
      | number
    )[];
    const rows: PageRow[] = [];
    for (let i = 1; i < flat.length; i += 3) {
      rows.push({ member: String(flat[i]), score: String(flat[i + 1]), stored: String(flat[i + 2]) });
    }
    return { start: Number(flat[0]), rows };
  }

  async positionFor(board: BoardKeys, member: string, score: string): Promise<number> {
    return Number(await this.calls.gsBoardPositionFor(board.order, member, score));
  }

  async positionOfUser(board: BoardKeys, userId: string): Promise<{ position: number; stored: string } | undefined> {
    const found = (await this.calls.gsBoardPositionOfUser(board.order, board.entries, userId)) as [number, string] | null;
    return found ? { position: Number(found[0]), stored: String(found[1]) } : undefined;
  }

  async commitRebuild(rebuild: BoardKeys, board: BoardKeys, marker: string): Promise<number> {
    return Number(await this.calls.gsBoardCommitRebuild(rebuild.order, rebuild.entries, board.order, board.entries, marker));
  }
}

export interface PageRow {
  readonly member: string;
  readonly score: string;
  /** The entries hash's value for the member's player ('' if missing). */
  readonly stored: string;
}
