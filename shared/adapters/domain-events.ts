import { config, required } from '../config.ts';
import { once } from '../once.ts';
import { EventBusPublisher } from './event-bus.ts';

/*
 * The composition root's event bus (see repositories.ts): its own module, so that only the
 * functions that publish (FinishSeal) bundle the EventBridge client.
 */

export const domainEvents = once(
  () => new EventBusPublisher(required('EVENT_BUS_NAME'), config().EVENTBRIDGE_ENDPOINT),
  (publisher) => publisher.close(),
);
