/**
 * Fault seam: named points in the code where the local stack can inject a failure or a process
 * crash (`POST /_local/faults`), to prove that retries and recovery never create or lose coins.
 * On AWS nothing installs an injector, so a fault point costs one `undefined` check.
 */
export const faultPoints = {
  /** After the progress transaction committed, before the response is sent. */
  progressAfterCommit: 'progress.afterCommit',
  /** Entry saga, named after its states: as a step starts (nothing done yet)... */
  validateEntry: 'ValidateEntry',
  reserveCoins: 'ReserveCoins',
  joinGroup: 'JoinGroup',
  confirmReservation: 'ConfirmReservation',
  refundReservation: 'RefundReservation',
  /** ...and after its commit, before it returns (done, but nobody was told). */
  reserveCoinsAfterCommit: 'ReserveCoins.afterCommit',
  joinGroupAfterCommit: 'JoinGroup.afterCommit',
  confirmReservationAfterCommit: 'ConfirmReservation.afterCommit',
  refundReservationAfterCommit: 'RefundReservation.afterCommit',
  /** Seal workflow, FinishSeal: the day is CLOSED, its TournamentSealed event not yet published... */
  finishSealAfterCommit: 'FinishSeal.afterCommit',
  /** ...and published, the step not yet returned (its retry publishes the event again, same id). */
  finishSealAfterPublish: 'FinishSeal.afterPublish',
  /** As any scheduled job starts, before it does anything (a job that fails is retried by Lambda). */
  scheduledJobStart: 'scheduledJob.start',
} as const;

export type FaultPoint = (typeof faultPoints)[keyof typeof faultPoints];

export type FaultInjector = (point: FaultPoint) => void | Promise<void>;

let injector: FaultInjector | undefined;

export function installFaultInjector(next: FaultInjector | undefined): void {
  injector = next;
}

export async function faultPoint(point: FaultPoint): Promise<void> {
  if (injector) await injector(point);
}
