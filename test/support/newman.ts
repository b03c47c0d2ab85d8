import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman';
import type { PostmanCollection } from '../../infra/local/postman/collection-format.ts';

/** What one request of a newman run got: its name, status and the names of its failed tests. */
export interface RequestOutcome {
  readonly name: string;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly failedTests: readonly string[];
}

export interface CollectionRun {
  readonly summary: NewmanRunSummary;
  /** Every request sent, in order (a retried request once per attempt). */
  readonly requests: readonly RequestOutcome[];
  /** Every failure (failed assertion, script error, request error) as one line each, for messages. */
  readonly failures: readonly string[];
}

/**
 * Runs a collection with newman, in process, with no reporter (a test asserts on the summary;
 * the cli reporter would write past vitest's output capture). `baseUrl` overrides the collection
 * variable, as `newman run --env-var baseUrl=...` does.
 */
export function runCollection(
  collection: PostmanCollection,
  baseUrl: string,
  options: Omit<NewmanRunOptions, 'collection' | 'envVar'> = {},
): Promise<CollectionRun> {
  return new Promise((resolve, reject) => {
    newman.run(
      { collection: structuredClone(collection) as NewmanRunOptions['collection'], envVar: [{ key: 'baseUrl', value: baseUrl }], reporters: [], ...options },
      (error, summary) => {
        if (error) return reject(error);
        const requests = summary.run.executions.map((execution) => ({
          name: execution.item.name,
          status: execution.response?.code,
          body: execution.response?.stream ? Buffer.from(execution.response.stream).toString('utf8') : undefined,
          failedTests: (execution.assertions ?? []).filter((a) => a.error).map((a) => a.assertion),
        }));
        const failures = summary.run.failures.map((f) => `${f.source?.name ?? '(run)'}: ${f.error.name} ${f.error.test ?? ''} ${f.error.message}`);
        resolve({ summary, requests, failures });
      },
    );
  });
}
