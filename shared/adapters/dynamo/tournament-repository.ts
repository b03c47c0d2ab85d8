import type { Tournament } from '../../domain/tournament-record.ts';
import { now } from '../clock.ts';
import type { TableRef } from './client.ts';
import { getItem, putItem, updateItem } from './commands.ts';
import { appliedIfCondition } from './errors.ts';
import { tournamentItem } from './items/tournament.ts';

/** How long a container may reuse a tournament it read (its rules never change during the day). */
const CACHE_MS = 30_000;

export class TournamentRepository {
  // Every entry reads its tournament: a per-container cache keeps thousands of entries per
  // second from all reading one DynamoDB item.
  private readonly cache = new Map<string, { tournament: Tournament; until: number }>();

  constructor(private readonly table: TableRef) {}

  /** Creates the tournament unless it exists (creation is idempotent). */
  async createIfAbsent(tournament: Tournament): Promise<boolean> {
    return appliedIfCondition(putItem(this.table, tournamentItem.create(tournament)));
  }

  async get(tournamentId: string): Promise<Tournament | undefined> {
    const item = await getItem(this.table, tournamentItem.key(tournamentId));
    return item ? tournamentItem.fromItem(item) : undefined;
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

  /**
   * A closed tournament and when it was closed; undefined if it is missing or still running.
   * Strongly consistent: the seal reads it right after its own close, possibly in another container.
   */
  async getClosed(tournamentId: string): Promise<{ tournament: Tournament; closedAt: string } | undefined> {
    const item = await getItem(this.table, tournamentItem.key(tournamentId), { consistent: true });
    const closedAt = item ? tournamentItem.closedAtOf(item) : undefined;
    if (!item || closedAt === undefined) return undefined;
    const tournament = tournamentItem.fromItem(item);
    return tournament.state === 'CLOSED' ? { tournament, closedAt } : undefined;
  }

  /** Seals a running tournament; false if it does not exist or is already closed. */
  async close(tournamentId: string, at: Date): Promise<boolean> {
    return appliedIfCondition(updateItem(this.table, tournamentItem.close(tournamentId, at)));
  }
}
