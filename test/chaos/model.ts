import { gameRules } from '../../shared/domain/game-rules.ts';

/**
 * What the runner was told, and nothing else: the answers it got, in the order it got them. The
 * checker holds DynamoDB against this (an acknowledged level-up applied once, an acknowledged
 * entry seated, an acknowledged claim paid once) and against the game rules.
 */

export interface ProgressAck {
  readonly level: number;
  readonly coins: number;
  readonly coinsEarned: number;
}

/** One logical progress request: every delivery of one Idempotency-Key, or one keyless send. */
export interface ProgressRequest {
  readonly id: string;
  readonly key?: string;
  /** Every body sent under this key (one, unless a reuse sent another). */
  readonly incs: Set<number>;
  /** The first 200 answer; replays must repeat it. */
  ack?: ProgressAck;
}

export interface EntryAck {
  readonly status: number;
  readonly groupId: string;
  readonly joinedAt: string;
  readonly opIndex: number;
}

/** What the runner knows of one player's entry into one tournament. */
export interface EntryKnowledge {
  readonly acks: EntryAck[];
  /**
   * The level the player had at least when last seen not entered (a refusal, a verified 503, a
   * NOT_PARTICIPATING): seated later, they were seated at this level or above.
   */
  levelFloor: number;
  /** The most levels the player could have had when first seen entered: seated at or below this. */
  levelCeil?: number;
  /**
   * What a naive bookkeeping would take for the level at entry: every level-up answered before the
   * entry's answer counted as "before entering". Only reported, never checked: it is not the rule.
   */
  naiveLevelAtEntry?: number;
}

export interface ClaimAck {
  readonly tournamentId: string;
  readonly rank: number;
  readonly coinsEarned: number;
  readonly coins: number;
  readonly opIndex: number;
}

export class PlayerModel {
  sub: string | undefined;
  /** POST /users answered 201 or 200. */
  created = false;
  readonly requests = new Map<string, ProgressRequest>();
  private keyless = 0;
  readonly entries = new Map<string, EntryKnowledge>();
  readonly claims = new Map<string, ClaimAck>();

  constructor(
    readonly index: number,
    readonly username: string,
  ) {}

  /** Registers a delivery before it is sent; returns the logical request it belongs to. */
  progressSent(inc: number, key: string | undefined): ProgressRequest {
    const id = key ?? `keyless#${this.keyless++}`;
    let request = this.requests.get(id);
    if (!request) {
      request = { id, ...(key === undefined ? {} : { key }), incs: new Set() };
      this.requests.set(id, request);
    }
    request.incs.add(inc);
    return request;
  }

  /** The level the player has at least: the start level plus every acknowledged gain. */
  ackedLevel(): number {
    let level = gameRules.profile.startLevel;
    for (const request of this.requests.values()) if (request.ack) level += request.ack.coinsEarned / gameRules.profile.coinsPerLevel;
    return level;
  }

  /** The level the player has at most: the start level plus every gain ever sent (the largest body of a key). */
  sentLevel(): number {
    let level = gameRules.profile.startLevel;
    for (const request of this.requests.values()) level += Math.max(...request.incs);
    return level;
  }

  entry(tournamentId: string): EntryKnowledge {
    let known = this.entries.get(tournamentId);
    if (!known) {
      known = { acks: [], levelFloor: gameRules.profile.startLevel };
      this.entries.set(tournamentId, known);
    }
    return known;
  }

  /** Seen not entered just now (no other entry of the player in flight): any later seat is at this level or above. */
  seenNotEntered(tournamentId: string): void {
    const known = this.entry(tournamentId);
    known.levelFloor = Math.max(known.levelFloor, this.ackedLevel());
  }

  /** Seen entered just now: the seat was taken at or below every level sent so far. */
  seenEntered(tournamentId: string): void {
    const known = this.entry(tournamentId);
    known.levelCeil = Math.min(known.levelCeil ?? Infinity, this.sentLevel());
  }
}

/** Every player of the run, by index, with their usernames derived from it. */
export class RunModel {
  readonly players: PlayerModel[] = [];

  player(index: number): PlayerModel {
    while (this.players.length <= index) this.players.push(new PlayerModel(this.players.length, `chaos-p${this.players.length}`));
    return this.players[index]!;
  }

  bySub(sub: string): PlayerModel | undefined {
    return this.players.find((p) => p.sub === sub);
  }
}
