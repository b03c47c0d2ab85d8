import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { TransientError } from './transient-error.ts';

/** A domain event as a use case hands it over: its type on the bus and its detail (a JSON object). */
export interface DomainEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The use cases' port for publishing domain events. */
export interface DomainEventPublisher {
  /** Resolves with EventBridge's id for this publication once the bus accepted the event. */
  publish(event: DomainEvent): Promise<string>;
}

/**
 * Puts domain events on the game's EventBridge bus (EVENT_BUS_NAME), one PutEvents entry each:
 * AWS's endpoint, or the local stack's (EVENTBRIDGE_ENDPOINT).
 */
export class EventBusPublisher implements DomainEventPublisher {
  private readonly client: EventBridgeClient;

  constructor(
    private readonly busName: string,
    endpoint?: string,
  ) {
    this.client = new EventBridgeClient(endpoint ? { endpoint } : {});
  }

  async publish(event: DomainEvent): Promise<string> {
    const response = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.busName, Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }],
      }),
    );
    // PutEvents answers 200 even when an entry was refused: the refusal is only in the entry.
    // InternalFailure and ThrottlingException clear on their own; the others (InvalidArgument,
    // AccessDeniedException...) are a deployment bug that every retry meets again, and fail the
    // caller once its retries are spent. Either way the caller must not go on as if published.
    const [entry] = response.Entries ?? [];
    if ((response.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
      throw new TransientError(
        `bus ${this.busName} refused the ${event.detailType} event: ${entry?.ErrorCode ?? 'no entry'}${entry?.ErrorMessage ? `: ${entry.ErrorMessage}` : ''}`,
      );
    }
    return entry.EventId;
  }

  close(): void {
    this.client.destroy();
  }
}
