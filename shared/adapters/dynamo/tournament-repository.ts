import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tournament } from '../../domain/tournament-record.ts';
import { now } from '../clock.ts';
import type { TableRef } from './client.ts';
import { appliedIfCondition } from './errors.ts';
import { keys } from './keys.ts';

/** How long a container may reuse a tournament it read (its rules never change during the day). */
const CACHE_MS = 30_000;

function fromItem(item: Record<string, unknown>): Tournament {
  const { PK: _pk, SK: _sk, entity: _entity, closedAt: _closedAt, ...tournament } = item;
  return tournament as unknown as Tournament;
}

export class TournamentRepository {
  // Every entry reads its tournament: a per-container cache keeps thousands of entries per
  // second from all reading one DynamoDB item.
  private readonly cache = new Map<string, { tournament: Tournament; until: number }>();

  constructor(private readonly table: TableRef) {}

  /** Creates the tournament unless it exists (creation is idempotent). */
  async createIfAbsent(tournament: Tournament): Promise<boolean> {
    return appliedIfCondition(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...keys.tournament(tournament.tournamentId), entity: 'TOURNAMENT', ...tournament },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(tournamentId: string): Promise<Tournament | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.tournament(tournamentId) }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Like `get`, but served from this container's memory for a few seconds. */
  async getCached(tournamentId: string): Promise<Tournament | undefined> {
    const at = now().getTime();
    const hit = this.cache.get(tournamentId);
    if (hit && hit.until > at) return hit.tournament;
    const tournament = await this.get(tournamentId);
    if (tournament) this.cache.set(tournamentId, { tournament, until: at + CACHE_MS });
    return tournament;
  }

  /** Seals a running tournament; false if it does not exist or is already closed. */
  async close(tournamentId: string, at: Date): Promise<boolean> {
    return appliedIfCondition(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.tournament(tournamentId),
          UpdateExpression: 'SET #state = :closed, closedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND #state = :running',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':closed': 'CLOSED', ':running': 'RUNNING', ':at': at.toISOString() },
        }),
      ),
    );
  }
}
