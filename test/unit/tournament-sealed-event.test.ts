import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tournamentSealedEvent, tournamentSealedEventId, tournamentSealedType } from '../../events/tournament-sealed.ts';
import { REPO_ROOT } from '../../infra/repo-root.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';

const sample = () => JSON.parse(readFileSync(path.join(REPO_ROOT, 'events/samples/tournament-sealed.json'), 'utf8'));

describe('the TournamentSealed event schema and its sample', () => {
  it('reads the sample event as a consumer would, its id being the dedupe key of its day', () => {
    const event = tournamentSealedEvent.parse(sample());
    expect(event).toMatchObject({ source: tournamentSealedType.source, 'detail-type': tournamentSealedType.detailType });
    expect(event.detail.eventId).toBe(tournamentSealedEventId(event.detail.tournamentId));
    // 40 entrants in groups of 35 + 5, paid by the default table: 17,000 + 12,000.
    expect(event.detail.rewards).toEqual({ totalCoins: 29_000, table: gameRules.tournament.rewards });
  });

  it('refuses a detail without its dedupe id or with negative counts', () => {
    const { eventId: _eventId, ...withoutId } = sample().detail;
    expect(tournamentSealedEvent.safeParse({ ...sample(), detail: withoutId }).success).toBe(false);
    expect(tournamentSealedEvent.safeParse({ ...sample(), detail: { ...sample().detail, entrants: -1 } }).success).toBe(false);
    expect(tournamentSealedEvent.safeParse({ ...sample(), 'detail-type': 'UserLeveledUp' }).success).toBe(false);
  });
});
