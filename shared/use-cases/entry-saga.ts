import { RESERVATION_TIMEOUT_MS, isEntered, type Entry } from '../domain/entry.ts';
import { entryRejection, groupId, groupNumberOfSeat } from '../domain/tournament.ts';
import { windowOfTournament, type Tournament } from '../domain/tournament-record.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { now } from '../adapters/clock.ts';
import { faultPoint, faultPoints } from '../adapters/faults.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';
import type { SeatDispenser } from '../adapters/redis/seat-dispenser.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';
import { TransientError } from '../adapters/transient-error.ts';
import { ApiError } from '../http/problem.ts';

/**
 * The entry saga's state, passed from step to step by Step Functions. Each step returns the
 * whole state with its part added, so any step can be retried from its own input.
 */
export interface EntrySagaState {
  readonly userId: string;
  readonly tournamentId: string;
  /** When API Gateway received the entry: the rules (window) are judged at this time. */
  readonly requestedAt: string;
  readonly displayName?: string;
  readonly fee?: number;
  /** This execution took the fee (false: an earlier one already had). */
  readonly charged?: boolean;
  readonly groupId?: string;
  readonly joinedAt?: string;
  readonly coins?: number;
  /** Set by the Catch that leads to RefundReservation. */
  readonly failure?: { readonly Error: string; readonly Cause: string };
}

export interface EntrySagaDeps {
  readonly users: UserRepository;
  readonly tournaments: TournamentRepository;
  readonly entries: EntryRepository;
  readonly seats: SeatDispenser;
  readonly boards: Leaderboards;
}

/** What every step but JoinGroup uses: DynamoDB only. */
export type SagaTableDeps = Pick<EntrySagaDeps, 'users' | 'tournaments' | 'entries'>;

/** Tries at taking a seat before giving up; each failed try skips at least one full group. */
const MAX_SEAT_ATTEMPTS = 8;

/**
 * The tournament an entry is for: every step judges the entry by its record (window, fee, level,
 * group size), the rules it was created with, never by today's defaults.
 */
async function tournamentOf(deps: Pick<SagaTableDeps, 'tournaments'>, tournamentId: string): Promise<Tournament> {
  const tournament = await deps.tournaments.getCached(tournamentId);
  if (!tournament) throw new ApiError('NO_ACTIVE_TOURNAMENT', 'no tournament is running now');
  return tournament;
}

/** 'HH:MM' of an instant, UTC. */
const utcClock = (at: Date) => at.toISOString().slice(11, 16);

/** ValidateEntry: the tournament exists, the player exists, and the rules allow the entry. */
export async function validateEntry(deps: SagaTableDeps, state: EntrySagaState): Promise<EntrySagaState> {
  await faultPoint(faultPoints.validateEntry);
  const tournament = await tournamentOf(deps, state.tournamentId);
  const profile = await deps.users.get(state.userId, { consistent: true });
  if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
  const next = { ...state, displayName: profile.displayName };
  // Entering again returns the entry the player has, whatever the clock or their coins say now.
  const existing = await deps.entries.get(state.userId, state.tournamentId);
  if (existing && existing.status !== 'REFUNDED') return next;
  const window = windowOfTournament(tournament);
  const rejection = entryRejection(profile, window, new Date(state.requestedAt), tournament);
  if (rejection === 'INSUFFICIENT_COINS') {
    throw new ApiError(rejection, `entry costs ${tournament.entryFee} coins; you have ${profile.coins}`);
  }
  if (rejection === 'LEVEL_TOO_LOW') {
    throw new ApiError(rejection, `entry needs level ${tournament.minLevel}; you are level ${profile.level}`);
  }
  if (rejection) throw new ApiError(rejection, `entry is open from ${utcClock(window.startsAt)} until ${utcClock(window.entryClosesAt)} UTC`);
  return next;
}

/** ReserveCoins: the fee leaves the profile and the reservation is recorded, in one commit. */
export async function reserveCoins(deps: SagaTableDeps, state: EntrySagaState, recorder: MetricsRecorder = noMetrics): Promise<EntrySagaState> {
  await faultPoint(faultPoints.reserveCoins);
  const { entryFee: fee, minLevel } = await tournamentOf(deps, state.tournamentId);
  const at = new Date(state.requestedAt);
  const outcome = await deps.entries.reserve({
    userId: state.userId,
    tournamentId: state.tournamentId,
    fee,
    minLevel,
    at,
    expiresAt: new Date(at.getTime() + RESERVATION_TIMEOUT_MS),
  });
  if (outcome === 'conflict') throw new TransientError('reservation collided with another transaction');
  if (outcome === 'cannot-pay') {
    // The profile changed since validation (another spend, a race): say which rule now fails.
    const profile = await deps.users.get(state.userId, { consistent: true });
    if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
    if (profile.level < minLevel) throw new ApiError('LEVEL_TOO_LOW', `entry needs level ${minLevel}`);
    throw new ApiError('INSUFFICIENT_COINS', `entry costs ${fee} coins; you have ${profile.coins}`);
  }
  if (outcome === 'reserved') {
    recorder.record(metrics.entryFeesTaken, fee);
    await faultPoint(faultPoints.reserveCoinsAfterCommit);
  }
  return { ...state, fee, charged: outcome === 'reserved' };
}

/** JoinGroup: take the next seat and join its group; an entered player keeps their group. */
export async function joinGroup(deps: EntrySagaDeps, state: EntrySagaState): Promise<EntrySagaState> {
  await faultPoint(faultPoints.joinGroup);
  const { userId, tournamentId } = state;
  const { groupSize } = await tournamentOf(deps, tournamentId);
  // A seat is given up only when its group turned out full: a join that failed for another reason
  // (the level moved, a transaction collided) tries again on the same seat, so no seat is wasted
  // and groups fill up even while their players level up.
  let seat: number | undefined;
  for (let attempt = 0; attempt < MAX_SEAT_ATTEMPTS; attempt++) {
    const existing = await deps.entries.get(userId, tournamentId);
    if (isEntered(existing)) {
      // Seated already: a retry of a step that failed or timed out after its commit (or a second
      // saga of the player), so the board may not show the member yet.
      await showSeatedAgain(deps, existing);
      return { ...state, groupId: existing.groupId, joinedAt: existing.joinedAt };
    }
    if (existing?.status !== 'RESERVED') {
      // Refunded meanwhile (the sweeper settled an abandoned reservation): this saga lost.
      throw new ReservationNotHeld(`the reservation is ${existing?.status ?? 'missing'}`);
    }
    const profile = await deps.users.get(userId, { consistent: true });
    if (!profile) throw new ApiError('USER_NOT_FOUND', 'the profile is gone');
    seat ??= await deps.seats.next(tournamentId).catch((error: unknown) => {
      throw new TransientError(`no seat could be taken: ${(error as Error).message}`);
    });
    const groupNumber = groupNumberOfSeat(seat, groupSize);
    const joining = { groupId: groupId(groupNumber), at: now() };
    const outcome = await deps.entries.join({
      userId,
      tournamentId,
      groupId: joining.groupId,
      groupSize,
      displayName: profile.displayName,
      levelAtEntry: profile.level,
      at: joining.at,
    });
    if (outcome === 'joined') {
      await faultPoint(faultPoints.joinGroupAfterCommit);
      // The commit wrote this group and time, and a joined entry never changes them: no read back.
      const joinedAt = joining.at.toISOString();
      await showOnGroupBoard(deps, { tournamentId, groupId: joining.groupId, userId, displayName: profile.displayName, joinedAt });
      return { ...state, groupId: joining.groupId, joinedAt };
    }
    if (outcome === 'group-full') {
      await deps.seats.skipTo(tournamentId, groupNumber * groupSize);
      seat = undefined;
    }
    // 'conflict': another transaction touched one of the items; 'not-reserved': another execution
    // joined or a refund won; 'level-changed': the player levelled up meanwhile. The next turn
    // reads which and goes again, on the same seat.
    if (outcome === 'conflict') await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  }
  throw new TransientError(`no seat could be joined in ${MAX_SEAT_ATTEMPTS} attempts`);
}

/**
 * A new member appears on the group board at 0 points. A board Redis trusts as complete must not
 * miss a member DynamoDB has, so a failure fails the step (a TransientError, which the state
 * machine retries; the retry finds the seat taken and shows the member again). If every retry
 * fails, the entry stays JOINED and the sweeper shows and confirms it once Redis answers.
 */
async function showOnGroupBoard(
  deps: Pick<EntrySagaDeps, 'boards'>,
  member: { tournamentId: string; groupId: string; userId: string; displayName: string; joinedAt: string },
): Promise<void> {
  try {
    await deps.boards.addMember(member);
  } catch (error) {
    throw new TransientError(`the group board could not show the new member: ${(error as Error).message}`);
  }
}

/**
 * Shows a seated player on their group board again, when the step that joined them may have
 * stopped before it did. A raise to 0 points: a member who has scored since keeps the score.
 */
async function showSeatedAgain(deps: Pick<EntrySagaDeps, 'users' | 'boards'>, entry: Entry & { groupId: string; joinedAt: string }): Promise<void> {
  const profile = await deps.users.get(entry.userId, { consistent: true });
  if (!profile) return;
  const { tournamentId, groupId, userId, joinedAt } = entry;
  await showOnGroupBoard(deps, { tournamentId, groupId, userId, displayName: profile.displayName, joinedAt });
}

/** ConfirmReservation: the saga is done; the response shows the coins left. */
export async function confirmReservation(deps: SagaTableDeps, state: EntrySagaState, recorder: MetricsRecorder = noMetrics): Promise<EntrySagaState> {
  await faultPoint(faultPoints.confirmReservation);
  const confirmed = await deps.entries.confirm(state.userId, state.tournamentId, now());
  if (confirmed) {
    // Counted by whoever confirms: this saga, or the sweeper (SweptReservationsConfirmed).
    recorder.record(metrics.entriesConfirmed, 1);
    await faultPoint(faultPoints.confirmReservationAfterCommit);
  }
  // Confirmed just now: the entry was JOINED, in the group JoinGroup handed on (a joined entry
  // never changes group), so nothing needs reading back. Otherwise (a retry, the sweeper first,
  // or not joined at all) the entry says what it is.
  const seat =
    confirmed && state.groupId !== undefined && state.joinedAt !== undefined
      ? { groupId: state.groupId, joinedAt: state.joinedAt }
      : await seatOf(deps, state);
  const profile = await deps.users.get(state.userId, { consistent: true });
  return { ...state, groupId: seat.groupId, joinedAt: seat.joinedAt, coins: profile?.coins };
}

/** The entry's group and join time, as the entry item has them; it must have joined. */
async function seatOf(deps: Pick<SagaTableDeps, 'entries'>, state: EntrySagaState): Promise<{ groupId: string; joinedAt: string }> {
  const entry = await deps.entries.get(state.userId, state.tournamentId);
  if (!isEntered(entry)) throw new ReservationNotHeld(`the entry is ${entry?.status ?? 'missing'}`);
  return entry;
}

/** RefundReservation: the compensation. Gives the fee back only if the player never joined. */
export async function refundReservation(
  deps: SagaTableDeps & Pick<EntrySagaDeps, 'boards'>,
  state: EntrySagaState,
  recorder: MetricsRecorder = noMetrics,
): Promise<EntrySagaState> {
  await faultPoint(faultPoints.refundReservation);
  const outcome = await deps.entries.refund(state.userId, state.tournamentId, now());
  if (outcome === 'conflict') throw new TransientError('refund collided with another transaction');
  if (outcome === 'refunded') {
    recorder.record(metrics.entriesCompensated, 1);
    await faultPoint(faultPoints.refundReservationAfterCommit);
    return state;
  }
  // Not refundable: the join committed before the step failed, so the player keeps the seat
  // and must be on the board; the step may have failed before it showed them.
  const entry = await deps.entries.get(state.userId, state.tournamentId);
  if (isEntered(entry)) await showSeatedAgain(deps, entry);
  return state;
}

/** The reservation is not RESERVED any more, so this execution may not join with it. */
class ReservationNotHeld extends Error {
  override readonly name = 'ReservationNotHeld';
}
