import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DimensionName, MetricDefinition, MetricsRecorder } from './metrics.ts';
import { SERVICE_NAME } from './service-name.ts';

/** One EMF document as Powertools serializes it (`_aws` metadata, dimension values, metric values). */
export type EmfDocument = ReturnType<Metrics['serializeMetrics']>;

/**
 * Where EMF documents go instead of stdout. The local stack installs one to collect what its
 * in-process functions emit (Powertools Metrics always writes EMF to its own stdout Console,
 * whatever `logger` it is given, so the document is taken from `serializeMetrics()` here rather
 * than by patching a console). Unset on Lambda: Powertools prints, CloudWatch Logs extracts.
 */
let sink: ((document: EmfDocument) => void) | undefined;

export function installMetricsSink(next: ((document: EmfDocument) => void) | undefined): void {
  sink = next;
}

interface Pending {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly points: { readonly metric: MetricDefinition; readonly value: number }[];
}

/**
 * The metrics of one invocation, flushed as it ends. One instance per invocation (not one per
 * container) because the local stack runs many invocations of many functions at once in one
 * process. Metrics that share dimension values share an EMF document, since Powertools applies
 * one dimension set to a whole document.
 */
export class InvocationMetrics implements MetricsRecorder {
  private readonly pending = new Map<string, Pending>();

  record<D extends DimensionName>(metric: MetricDefinition<D>, value: number, dimensions?: Readonly<Record<D, string>>): void {
    const values: Record<string, string> = {};
    for (const name of metric.dimensions) values[name] = dimensions?.[name] ?? 'unknown';
    const key = JSON.stringify(Object.entries(values).sort());
    let group = this.pending.get(key);
    if (!group) this.pending.set(key, (group = { dimensions: values, points: [] }));
    group.points.push({ metric, value });
  }

  /** Publishes what was recorded: to the installed sink, else (on Lambda) to stdout as EMF. */
  flush(): void {
    // Outside Lambda and the local stack (unit and integration tests) nothing names a namespace:
    // there is nowhere to publish.
    const namespace = process.env['POWERTOOLS_METRICS_NAMESPACE'];
    if (!namespace && !sink) return this.pending.clear();
    for (const { dimensions, points } of this.pending.values()) {
      const emf = new Metrics({ namespace: namespace ?? 'GoodSwipe/local', serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? SERVICE_NAME });
      for (const [name, value] of Object.entries(dimensions)) emf.addDimension(name, value);
      for (const { metric, value } of points) emf.addMetric(metric.name, metric.unit, value);
      if (sink) sink(emf.serializeMetrics());
      else emf.publishStoredMetrics();
    }
    this.pending.clear();
  }
}

/** Runs `work` with a fresh recorder and publishes its metrics however `work` ends. */
export async function withInvocationMetrics<T>(work: (metrics: InvocationMetrics) => Promise<T>): Promise<T> {
  const metrics = new InvocationMetrics();
  try {
    return await work(metrics);
  } finally {
    metrics.flush();
  }
}
