import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { REPO_ROOT } from '../../infra/repo-root.ts';
import { fallbackRoute } from '../../infra/routes.ts';
import { DynamoDbCallGraph } from './dynamodb-calls.ts';

/**
 * Each function is granted exactly the DynamoDB actions its code can issue. The grant comes from
 * one declaration, the FunctionSpec's `tableActions` (routes.ts, workloads.ts), which
 * specFunction turns into the IAM policy (stack.test.ts: "grants <name> exactly its
 * tableActions"); this file derives the same set from the handler's code, so a declaration that
 * grants more than the code needs, or less, fails here.
 */
let graph: DynamoDbCallGraph;

beforeAll(() => {
  graph = new DynamoDbCallGraph(REPO_ROOT, [...allFunctionSpecs.map((s) => s.entry), fallbackRoute.entry]);
}, 60_000);

describe("each function's DynamoDB actions, derived from its code", () => {
  it.each(allFunctionSpecs.map((spec) => [spec.name, spec] as const))('%s declares exactly what its code issues', (_name, spec) => {
    expect([...graph.actionsOf(spec.entry)].sort()).toEqual([...spec.tableActions].sort());
  });

  it('the fallback route issues none (it gets no table)', () => {
    expect([...graph.actionsOf(fallbackRoute.entry)]).toEqual([]);
  });
});
