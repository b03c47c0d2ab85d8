import { gameRules } from './game-rules.ts';

/**
 * The daily tournament's calendar and entry rules. A tournament is a UTC day: its id is the
 * date (`2026-11-24`), it starts at 00:00:00.000, takes entries until 12:00 and ends at
 * 23:59:59.999.
 */
export interface TournamentWindow {
  readonly tournamentId: string;
  readonly startsAt: Date;
  readonly entryClosesAt: Date;
  readonly endsAt: Date;
}

export type TournamentPhase = 'NOT_STARTED' | 'OPEN' | 'ENTRY_CLOSED' | 'ENDED';

export type EntryRejection = 'LEVEL_TOO_LOW' | 'INSUFFICIENT_COINS' | 'ENTRY_CLOSED';

const DAY_MS = 24 * 60 * 60 * 1000;
const TOURNAMENT_ID = /^(\d{4})-(\d{2})-(\d{2})$/;

export function tournamentIdOn(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function isTournamentId(id: string): boolean {
  if (!TOURNAMENT_ID.test(id)) return false;
  const day = new Date(`${id}T00:00:00Z`);
  // Rejects 2026-02-30 and the like, which Date would roll over into March.
  return !Number.isNaN(day.getTime()) && tournamentIdOn(day) === id;
}

/** The calendar of a day, with the entry cutoff a new tournament gets (game-rules.ts). */
export function windowOf(tournamentId: string): TournamentWindow {
  if (!isTournamentId(tournamentId)) throw new RangeError(`not a tournament id: ${tournamentId}`);
  const startsAt = new Date(`${tournamentId}T00:00:00.000Z`);
  return {
    tournamentId,
    startsAt,
    entryClosesAt: new Date(startsAt.getTime() + gameRules.tournament.entryClosesAtUtcHour * 60 * 60 * 1000),
    endsAt: new Date(startsAt.getTime() + DAY_MS - 1),
  };
}

/** The day before: what the 00:00 close schedule seals. */
export function previousTournamentId(tournamentId: string): string {
  return tournamentIdOn(new Date(windowOf(tournamentId).startsAt.getTime() - DAY_MS));
}

export function phaseAt(window: TournamentWindow, now: Date): TournamentPhase {
  const t = now.getTime();
  if (t < window.startsAt.getTime()) return 'NOT_STARTED';
  if (t < window.entryClosesAt.getTime()) return 'OPEN';
  if (t <= window.endsAt.getTime()) return 'ENTRY_CLOSED';
  return 'ENDED';
}

/**
 * Why a player may not enter now, or undefined if they may, by the tournament's own window and
 * rules (tournament-record.ts). The window is checked first.
 */
export function entryRejection(
  player: { readonly level: number; readonly coins: number },
  window: TournamentWindow,
  now: Date,
  rules: { readonly minLevel: number; readonly entryFee: number },
): EntryRejection | undefined {
  const { minLevel, entryFee } = rules;
  if (phaseAt(window, now) !== 'OPEN') return 'ENTRY_CLOSED';
  if (player.level < minLevel) return 'LEVEL_TOO_LOW';
  if (player.coins < entryFee) return 'INSUFFICIENT_COINS';
  return undefined;
}

/**
 * Seats are numbered from 1 in arrival order; with groups of 35, seats 1-35 are group 1, 36-70
 * group 2, ... so entries that come one after another fill a group before the next one opens.
 */
export function groupNumberOfSeat(seat: number, groupSize: number): number {
  if (!Number.isInteger(seat) || seat < 1) throw new RangeError(`seat must be a positive integer, got ${seat}`);
  return Math.ceil(seat / groupSize);
}

/** Group ids sort in opening order as strings too. */
export function groupId(groupNumber: number): string {
  return `G${String(groupNumber).padStart(6, '0')}`;
}

const GROUP_ID = /^G(\d{6,})$/;

/** The inverse of groupId. */
export function groupNumberOf(id: string): number {
  const digits = GROUP_ID.exec(id)?.[1];
  if (digits === undefined) throw new RangeError(`not a group id: ${id}`);
  return Number(digits);
}

/** Groups 1..groupCount cut into ranges [from, to] of `perBatch` numbers: the batches of a workflow's Map. */
export function groupRanges(groupCount: number, perBatch: number): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (let from = 1; from <= groupCount; from += perBatch) ranges.push({ from, to: Math.min(groupCount, from + perBatch - 1) });
  return ranges;
}
