import type { Tournament } from '../../../domain/tournament-record.ts';
import type { Item, ItemKey, PutWrite, UpdateWrite } from '../commands.ts';
import { pickFields, type FieldList } from './fields.ts';

/*
 * The TOURNAMENT item: a day's window and the rules it was created with (the one source of that
 * day's rules), RUNNING until the seal closes it.
 */

const ENTITY = 'TOURNAMENT';

function key(tournamentId: string): ItemKey {
  return { PK: `TOURNAMENT#${tournamentId}`, SK: 'META' };
}

function toItem(tournament: Tournament): Item {
  return { ...key(tournament.tournamentId), entity: ENTITY, ...tournament };
}

const FIELDS: FieldList<Tournament> = {
  tournamentId: true, startsAt: true, entryClosesAt: true, endsAt: true, entryFee: true,
  minLevel: true, groupSize: true, rewards: true, state: true, createdAt: true,
};

const fromItem = (item: Item): Tournament => pickFields<Tournament>(item, FIELDS);

/** When the seal closed the day (written by `close`); not part of the served Tournament. */
const closedAtOf = (item: Item): string | undefined => (typeof item['closedAt'] === 'string' ? item['closedAt'] : undefined);

export const tournamentItem = {
  key, fromItem, closedAtOf,

  /** Creates the tournament unless it exists (creation is idempotent; a day's rules are never rewritten). */
  create(tournament: Tournament): PutWrite {
    return { Item: toItem(tournament), ConditionExpression: 'attribute_not_exists(PK)' };
  },

  /** RUNNING -> CLOSED: the day is sealed. */
  close(tournamentId: string, at: Date): UpdateWrite {
    return {
      Key: key(tournamentId),
      UpdateExpression: 'SET #state = :closed, closedAt = :at',
      ConditionExpression: 'attribute_exists(PK) AND #state = :running',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':closed': 'CLOSED', ':running': 'RUNNING', ':at': at.toISOString() },
    };
  },
} as const;
