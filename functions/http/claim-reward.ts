import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { tournamentPath } from '../../shared/http/schemas.ts';
import { claimReward } from '../../shared/use-cases/rewards.ts';

/** POST /tournaments/{tournamentId}/reward — the reward by final rank, credited once. */
export const handler = httpHandler(tournamentPath, async ({ userId, now, params }, metrics) =>
  json(200, await claimReward(repositories(), { userId, tournament: params.tournamentId, now }, metrics)),
);
