import type { BusEvent, BusObserver } from './event-plumbing.ts';

/** How many of the latest events put on the buses the local stack keeps (GET /_local/events). */
export const RECENT_BUS_EVENTS_KEPT = 100;

export interface LoggedBusEvent {
  readonly eventBusName: string;
  readonly event: BusEvent;
}

/**
 * The last events that entered a bus (from PutEvents or the level-up pipe), for a developer to
 * see what the app published: on AWS an archive or a logging rule would show them. Only the
 * newest are kept, so a day of level-ups never grows the stack's memory.
 */
export class LocalEventLog {
  private readonly items: LoggedBusEvent[] = [];

  constructor(private readonly capacity = RECENT_BUS_EVENTS_KEPT) {}

  readonly record: BusObserver = (eventBusName, event) => {
    this.items.push({ eventBusName, event });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  };

  /** Newest first, at most `limit`, optionally of one detail-type. */
  list(limit: number, filter: { detailType?: string } = {}): LoggedBusEvent[] {
    const matching = this.items.filter((item) => filter.detailType === undefined || item.event['detail-type'] === filter.detailType);
    return matching.reverse().slice(0, limit);
  }
}
