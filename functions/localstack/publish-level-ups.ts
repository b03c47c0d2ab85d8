import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { config, required } from '../../shared/config.ts';
import { levelUpPublisherConfig } from '../../shared/localstack-config.ts';
import { lambdaMiddy } from '../../shared/lambda/lambda-middy.ts';
import { publishStreamRecords } from '../../shared/lambda/stream-publisher.ts';
import { once } from '../../shared/once.ts';

const eventBridge = once(() => {
  const endpoint = config().EVENTBRIDGE_ENDPOINT;
  return new EventBridgeClient(endpoint ? { endpoint } : {});
});

/**
 * The LocalStack variant's stand-in for the level-up pipe: the table's stream (new outbox items
 * only, by the event source mapping's filter) -> UserLeveledUp on the game's bus.
 */
export const handler = lambdaMiddy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler((event) => {
  const { LEVEL_UP_SOURCE, LEVEL_UP_DETAIL_TYPE, LEVEL_UP_DETAIL_TEMPLATE } = levelUpPublisherConfig();
  const envelope = { busName: required('EVENT_BUS_NAME'), source: LEVEL_UP_SOURCE, detailType: LEVEL_UP_DETAIL_TYPE, detailTemplate: LEVEL_UP_DETAIL_TEMPLATE };
  return publishStreamRecords(event.Records, envelope, async (entries) => (await eventBridge().send(new PutEventsCommand({ Entries: entries }))).Entries ?? []);
});
