import { now } from '../../shared/adapters/clock.ts';
import { tableFromEnv } from '../../shared/adapters/dynamo/client.ts';
import { leaderboards } from '../../shared/adapters/repositories.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { rebuildLeaderboards } from '../../shared/use-cases/rebuild-leaderboards.ts';

/** On demand: rebuild every leaderboard in Redis from DynamoDB (after a Redis loss, say). */
export const handler = scheduledJob(() => rebuildLeaderboards(tableFromEnv(), leaderboards(), now()));
