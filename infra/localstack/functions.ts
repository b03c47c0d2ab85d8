import type { FunctionSpec } from '../workloads.ts';

/**
 * The LocalStack variant's own functions: thin adapters that stand in for the AWS services the
 * free plan lacks. Every other function of the variant is built from the same FunctionSpec,
 * handler and code as on AWS.
 */
export const localStackFunctions = {
  /**
   * Stands in for the HTTP API's JWT authorizer and payload 2.0: checks the bearer token, then
   * hands the route's own function the event it gets on AWS (infra/localstack/rest-api.ts).
   */
  apiEdge: {
    name: 'PlayerApiEdge',
    entry: 'functions/localstack/api-edge.ts',
    tableActions: [],
  },
  /** Stands in for the level-up pipe: stream records -> UserLeveledUp on the game's bus (PutEvents). */
  levelUpPublisher: {
    name: 'PublishLevelUps',
    entry: 'functions/localstack/publish-level-ups.ts',
    tableActions: [],
    publishesDomainEvents: true,
  },
} as const satisfies Record<string, FunctionSpec>;
