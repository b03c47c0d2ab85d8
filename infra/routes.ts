/**
 * The HTTP API's routes: the one list the CDK stack builds from. The local stack does not read
 * this file; it reads the synthesized template, so what runs locally is what `cdk deploy` ships.
 */
import type { FunctionSpec } from './workloads.ts';

export interface HttpRouteSpec extends FunctionSpec {
  readonly method: 'GET' | 'POST';
  /** API Gateway path, with `{param}` placeholders. */
  readonly path: string;
}

export const httpRoutes: readonly HttpRouteSpec[] = [
  {
    name: 'CreateUser',
    method: 'POST',
    path: '/users',
    entry: 'functions/http/create-user.ts',
    tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
    // A new player appears on the global board at level 1.
    usesRedis: true,
  },
  {
    name: 'GetMe',
    method: 'GET',
    path: '/users/me',
    entry: 'functions/http/get-me.ts',
    tableActions: ['dynamodb:GetItem'],
  },
  {
    name: 'GetUser',
    method: 'GET',
    path: '/users/{userId}',
    entry: 'functions/http/get-user.ts',
    tableActions: ['dynamodb:GetItem'],
  },
  {
    name: 'RecordProgress',
    method: 'POST',
    path: '/users/me/progress',
    entry: 'functions/http/record-progress.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  },
  {
    name: 'GetCurrentTournament',
    method: 'GET',
    path: '/tournaments/current',
    entry: 'functions/http/get-current-tournament.ts',
    tableActions: ['dynamodb:GetItem'],
  },
  {
    name: 'EnterTournament',
    method: 'POST',
    path: '/tournaments/current/entries',
    entry: 'functions/http/enter-tournament.ts',
    // Starts the entry saga (states:StartSyncExecution); after a failed saga it reads the entry
    // and the profile to answer what was really done (and, replaying an entry, the profile's coins).
    tableActions: ['dynamodb:GetItem'],
    startsEntrySaga: true,
    // Duplicates (double taps, client retries) start no second saga: Powertools idempotency, on its own table.
    usesEntryIdempotency: true,
  },
  {
    // `current` is accepted as the id of today's tournament by the four routes below.
    name: 'GetGroupLeaderboard',
    method: 'GET',
    path: '/tournaments/{tournamentId}/leaderboard',
    entry: 'functions/http/get-group-leaderboard.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    usesRedis: true,
  },
  {
    name: 'GetGroupRank',
    method: 'GET',
    path: '/tournaments/{tournamentId}/rank',
    entry: 'functions/http/get-group-rank.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    usesRedis: true,
  },
  {
    name: 'ClaimReward',
    method: 'POST',
    path: '/tournaments/{tournamentId}/reward',
    entry: 'functions/http/claim-reward.ts',
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    name: 'GetMyTournaments',
    method: 'GET',
    path: '/users/me/tournaments',
    entry: 'functions/http/get-my-tournaments.ts',
    tableActions: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
  },
  {
    name: 'GetGlobalLeaderboard',
    method: 'GET',
    path: '/leaderboards/global',
    entry: 'functions/http/get-global-leaderboard.ts',
    tableActions: [],
    usesRedis: true,
  },
  {
    name: 'GetGlobalRank',
    method: 'GET',
    path: '/leaderboards/global/me',
    entry: 'functions/http/get-global-rank.ts',
    tableActions: ['dynamodb:GetItem'],
    usesRedis: true,
  },
];

/**
 * Unmatched requests go to the `$default` route, whose function answers the contract's
 * problem+json 404 ROUTE_NOT_FOUND / 405 METHOD_NOT_ALLOWED instead of API Gateway's bare
 * `{"message":"Not Found"}`. It learns the known routes from the KNOWN_ROUTES variable.
 */
export const fallbackRoute = {
  name: 'RouteNotFound',
  entry: 'functions/http/route-not-found.ts',
} as const;

/** `METHOD /path` strings, as API Gateway writes route keys. */
export const routeKeys = (routes: readonly HttpRouteSpec[] = httpRoutes): string[] =>
  routes.map((r) => `${r.method} ${r.path}`);
