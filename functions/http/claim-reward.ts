import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { callerId, requestTime } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { claimReward } from '../../shared/use-cases/rewards.ts';

/** POST /tournaments/{tournamentId}/reward — the reward by final rank, credited once. */
export const handler = httpHandler(async (event) => {
  const input = { userId: callerId(event), tournament: event.pathParameters?.['tournamentId'] ?? '', now: requestTime(event) };
  return json(200, await claimReward(repositories(), input));
});
