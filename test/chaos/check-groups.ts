import { gameRules } from '../../shared/domain/game-rules.ts';
import { compareStandings } from '../../shared/domain/ranking.ts';
import { rewardForRank } from '../../shared/domain/rewards.ts';
import type { RunModel } from './model.ts';
import type { MemberRow, TableSnapshot } from './table-reader.ts';
import type { Violations } from './violations.ts';

/** A day is due sealed this long after its end (the seal's drain deadline is 30 minutes). */
const SEALED_BY_MS = 40 * 60 * 1000;

/**
 * Seats, seals and claims as DynamoDB has them: no group over 35 and its count matching its
 * members; every seat backed by a paid, settled entry and every acknowledged entry seated where
 * the answer said; each sealed group ranked by the rules and paid by the reward table for its
 * size; each claim paid by the sealed standing, each rank once, each acknowledged claim recorded.
 */
export function checkGroups(snapshot: TableSnapshot, model: RunModel, violations: Violations, now: Date): void {
  const name = (userId: string) => model.bySub(userId)?.username ?? userId;
  const membersOf = new Map<string, MemberRow[]>();
  for (const m of snapshot.members) {
    const id = `${m.tournamentId}/${m.groupId}`;
    membersOf.set(id, [...(membersOf.get(id) ?? []), m]);
  }

  for (const group of snapshot.groups) {
    const id = `${group.tournamentId}/${group.groupId}`;
    const members = membersOf.get(id) ?? [];
    if (members.length > gameRules.tournament.groupSize) violations.add('group.size', `${id}: ${members.length} members, over ${gameRules.tournament.groupSize}`);
    if (group.members !== members.length) violations.add('group.count', `${id}: counts ${group.members} members, holds ${members.length}`);
    if (group.sealedAt) checkSealedGroup(snapshot, violations, id, group.tournamentId, group.standings ?? [], members, name);
    else if (members.some((m) => m.claimedAt)) violations.add('claim.unsealed', `${id}: a claim in a group never sealed`);
  }
  for (const id of membersOf.keys()) {
    if (!snapshot.groups.some((g) => `${g.tournamentId}/${g.groupId}` === id)) violations.add('group.count', `${id}: members without a group item`);
  }

  // Seats and entries, one to one.
  const seats = new Map<string, MemberRow[]>();
  for (const m of snapshot.members) seats.set(`${m.userId}/${m.tournamentId}`, [...(seats.get(`${m.userId}/${m.tournamentId}`) ?? []), m]);
  for (const [key, held] of seats) {
    if (held.length > 1) violations.add('group.twice', `${name(held[0]!.userId)} ${held[0]!.tournamentId}: seated in ${held.map((m) => m.groupId).join(' and ')}`);
  }
  for (const entry of snapshot.entries) {
    const held = seats.get(`${entry.userId}/${entry.tournamentId}`) ?? [];
    const seated = entry.status === 'JOINED' || entry.status === 'CONFIRMED';
    const who = `${name(entry.userId)} ${entry.tournamentId}`;
    if (seated && !held.some((m) => m.groupId === entry.groupId)) violations.add('entry.member', `${who}: entry ${entry.status} in ${entry.groupId}, no seat there`);
    if (!seated && held.length > 0) violations.add('entry.member', `${who}: entry ${entry.status}, yet seated in ${held[0]!.groupId}`);
    if (entry.status === 'RESERVED' || entry.status === 'JOINED') violations.add('entry.unsettled', `${who}: entry still ${entry.status} after the sweeper ran`);
  }
  for (const m of snapshot.members) {
    if (!snapshot.entries.some((e) => e.userId === m.userId && e.tournamentId === m.tournamentId)) {
      violations.add('entry.member', `${name(m.userId)} ${m.tournamentId}: seated in ${m.groupId} without an entry (never paid)`);
    }
  }

  // What the runner was told.
  for (const player of model.players) {
    if (!player.sub) continue;
    for (const [tournamentId, known] of player.entries) {
      const ack = known.acks[0];
      if (!ack) continue;
      const entry = snapshot.entries.find((e) => e.userId === player.sub && e.tournamentId === tournamentId);
      if (!entry || (entry.status !== 'JOINED' && entry.status !== 'CONFIRMED') || entry.groupId !== ack.groupId) {
        violations.add('entry.acked-missing', `${player.username} ${tournamentId}: answered ${ack.status} in ${ack.groupId} (op #${ack.opIndex}), DynamoDB has ${entry ? `${entry.status} ${entry.groupId ?? ''}` : 'no entry'}`);
      }
    }
    for (const [tournamentId, claim] of player.claims) {
      const member = snapshot.members.find((m) => m.userId === player.sub && m.tournamentId === tournamentId);
      if (!member?.claimedAt || member.reward !== claim.coinsEarned || member.finalRank !== claim.rank || member.coinsAfterClaim !== claim.coins) {
        violations.add(
          'claim.acked',
          `${player.username} ${tournamentId}: claim answered rank ${claim.rank} +${claim.coinsEarned} -> ${claim.coins} (op #${claim.opIndex}), DynamoDB ${member?.claimedAt ? `rank ${member.finalRank} +${member.reward} -> ${member.coinsAfterClaim}` : 'no claim'}`,
        );
      }
    }
  }

  // Days long over are sealed, every group of them.
  for (const tournament of snapshot.tournaments) {
    if (Date.parse(tournament.endsAt) + SEALED_BY_MS > now.getTime()) continue;
    const unsealed = snapshot.groups.filter((g) => g.tournamentId === tournament.tournamentId && !g.sealedAt);
    if (tournament.state !== 'CLOSED' || unsealed.length > 0) {
      violations.add('seal.missing', `${tournament.tournamentId}: ${tournament.state}, ${unsealed.length} group(s) unsealed, at ${now.toISOString()}`);
    }
  }
}

function checkSealedGroup(
  snapshot: TableSnapshot,
  violations: Violations,
  id: string,
  tournamentId: string,
  standings: readonly { userId: string; score: number; scoreReachedAt: string; rank: number; reward: number }[],
  members: readonly MemberRow[],
  name: (userId: string) => string,
): void {
  const rewards = snapshot.tournaments.find((t) => t.tournamentId === tournamentId)?.rewards ?? gameRules.tournament.rewards;
  const byUser = new Map(members.map((m) => [m.userId, m]));
  if (standings.length !== members.length || standings.some((s) => !byUser.has(s.userId))) {
    violations.add('seal.standings', `${id}: sealed ${standings.length} standings for ${members.length} members`);
  }
  const ordered = [...standings].sort(compareStandings);
  ordered.forEach((s, i) => {
    if (s.rank !== i + 1) violations.add('seal.standings', `${id}: ${name(s.userId)} sealed at rank ${s.rank}, the rules rank them ${i + 1}`);
    if (s.reward !== rewardForRank(s.rank, rewards)) violations.add('seal.reward', `${id}: rank ${s.rank} sealed with ${s.reward} coins, the table says ${rewardForRank(s.rank, rewards)}`);
    const member = byUser.get(s.userId);
    if (member && (member.score !== s.score || member.scoreReachedAt !== s.scoreReachedAt)) {
      violations.add('seal.standings', `${id}: ${name(s.userId)} sealed with score ${s.score}, the member has ${member.score} (scored after the seal?)`);
    }
  });
  const paidByTable = standings.reduce((sum, _s, i) => sum + rewardForRank(i + 1, rewards), 0);
  const sealedTotal = standings.reduce((sum, s) => sum + s.reward, 0);
  if (sealedTotal !== paidByTable) violations.add('seal.rewards-total', `${id}: ${standings.length} members sealed ${sealedTotal} coins of rewards, the table gives ${paidByTable}`);

  const standingOf = new Map(standings.map((s) => [s.userId, s]));
  const paidRanks = new Set<number>();
  for (const member of members.filter((m) => m.claimedAt)) {
    const standing = standingOf.get(member.userId);
    if (!standing || member.finalRank !== standing.rank || member.reward !== standing.reward) {
      violations.add('claim.paid', `${id}: ${name(member.userId)} paid ${member.reward} for rank ${member.finalRank}, sealed ${standing?.reward} for rank ${standing?.rank}`);
    }
    if (member.finalRank !== undefined && paidRanks.has(member.finalRank)) violations.add('claim.rank-twice', `${id}: rank ${member.finalRank} paid twice`);
    if (member.finalRank !== undefined) paidRanks.add(member.finalRank);
  }
}
