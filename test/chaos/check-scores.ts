import { OUTBOX_RETENTION_DAYS } from '../../shared/adapters/dynamo/items/level-up.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';
import { tournamentIdOn } from '../../shared/domain/tournament.ts';
import type { RunModel } from './model.ts';
import { owedAt, type TableSnapshot } from './table-reader.ts';
import type { Violations } from './violations.ts';

/**
 * Scores are the rule applied to each member's levels since entry: the highest level reached on
 * the tournament's day (the outbox items of that day), if above the level at entry, scores
 * `pointsForLevels(levelAtEntry, that level)`. The level at entry is a level the player really
 * held, and within what the runner saw: not below their level when last seen not entered, not
 * above every level sent when first seen entered. Once settled, no level-up (or arrival) is left
 * unscored, but for one past its TTL, which AWS would have deleted (noted, not a violation).
 */
export function checkScores(snapshot: TableSnapshot, model: RunModel, violations: Violations, notes: string[], now: Date): void {
  for (const m of snapshot.members) {
    const player = model.bySub(m.userId);
    const who = `${player?.username ?? m.userId} ${m.tournamentId}/${m.groupId}`;
    const levelUps = snapshot.levelUps.filter((l) => l.userId === m.userId);
    const ofDay = levelUps.filter((l) => tournamentIdOn(new Date(l.at)) === m.tournamentId);
    const reached = Math.max(m.levelAtEntry, ...ofDay.map((l) => l.toLevel));
    const expected = pointsForLevels(m.levelAtEntry, reached);
    if (m.maxLevel !== reached || m.score !== expected) {
      violations.add(
        'score.rule',
        `${who}: score ${m.score} (max level ${m.maxLevel}), expected ${expected} for levels ${m.levelAtEntry}->${reached} (level-ups that day: ${ofDay.map((l) => `${l.fromLevel}->${l.toLevel}@${l.at.slice(11, 19)}`).join(', ') || 'none'})`,
      );
    }
    const held = new Set([gameRules.profile.startLevel, ...levelUps.map((l) => l.toLevel)]);
    if (!held.has(m.levelAtEntry)) violations.add('score.level-at-entry', `${who}: entered at level ${m.levelAtEntry}, a level the player never had`);
    const known = player?.entries.get(m.tournamentId);
    if (known?.naiveLevelAtEntry !== undefined && known.naiveLevelAtEntry > m.levelAtEntry) {
      const naive = pointsForLevels(known.naiveLevelAtEntry, Math.max(known.naiveLevelAtEntry, reached));
      notes.push(
        `naive bookkeeping: ${who} would score ${naive} (levels before the entry's answer counted as "before entering"); ` +
          `DynamoDB scores ${m.score}: the seat was taken at level ${m.levelAtEntry}, the join's commit checked the profile at that level, so the later levels were reached while seated`,
      );
    }
    if (known && (m.levelAtEntry < known.levelFloor || m.levelAtEntry > (known.levelCeil ?? Infinity))) {
      violations.add(
        'score.level-at-entry',
        `${who}: seated at level ${m.levelAtEntry} (joined ${m.joinedAt}), the runner saw them not entered at level >= ${known.levelFloor} and entered at level <= ${known.levelCeil ?? 'any'}`,
      );
    }
  }
  const unscored = snapshot.levelUps.filter(owedAt(now));
  const expired = snapshot.levelUps.filter((l) => l.unscored && !owedAt(now)(l));
  if (expired.length > 0) notes.push(`${expired.length} level-up(s) or arrival(s) unscored past their TTL (AWS would have deleted them; the redrive reads ${OUTBOX_RETENTION_DAYS} days back)`);
  if (unscored.length > 0) {
    violations.add('levels.unscored', `${unscored.length} level-up(s) still unscored after settling: ${unscored.slice(0, 5).map((l) => `${l.userId.slice(0, 8)} ->${l.toLevel}@${l.at}`).join(', ')}`);
  }
}
