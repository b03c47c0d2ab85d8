import type { EmfDocument } from '../../shared/adapters/emf-metrics.ts';

/** One metric series (namespace, name, dimension values) with what its data points added up to. */
export interface MetricSeries {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, string>>;
  samples: number;
  sum: number;
  min: number;
  max: number;
}

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string; readonly Unit?: string }[];
}

/**
 * What CloudWatch would make of the EMF documents the in-process functions emit (installed as
 * the metrics sink by the local stack): each metric aggregated per namespace, name and dimension
 * set, as Sum / SampleCount / Minimum / Maximum. No percentiles and no alarms: the point is that a
 * developer (and a test) sees the same signals the dashboard shows.
 */
export class LocalMetricsCollector {
  private readonly series = new Map<string, MetricSeries>();

  readonly collect = (document: EmfDocument): void => {
    const record = document as unknown as Record<string, unknown> & { _aws: { CloudWatchMetrics: readonly EmfDirective[] } };
    for (const directive of record._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(record[name])]));
        for (const metric of directive.Metrics) {
          for (const value of [record[metric.Name]].flat() as number[]) this.add(directive.Namespace, metric, dimensions, value);
        }
      }
    }
  };

  private add(namespace: string, metric: EmfDirective['Metrics'][number], dimensions: Record<string, string>, value: number): void {
    const key = JSON.stringify([namespace, metric.Name, Object.entries(dimensions).sort()]);
    const series = this.series.get(key);
    if (!series) {
      this.series.set(key, { namespace, name: metric.Name, unit: metric.Unit ?? 'None', dimensions, samples: 1, sum: value, min: value, max: value });
      return;
    }
    series.samples++;
    series.sum += value;
    series.min = Math.min(series.min, value);
    series.max = Math.max(series.max, value);
  }

  /** Every series, by name then dimensions. */
  list(): MetricSeries[] {
    return [...this.series.values()]
      .map((s) => ({ ...s, dimensions: { ...s.dimensions } }))
      .sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)));
  }

  /**
   * The Prometheus text exposition format (0.0.4): a count metric as a counter
   * (`goodswipe_<name>_total`), any other as a summary without quantiles (`_sum`, `_count`).
   */
  prometheus(): string {
    const byName = new Map<string, MetricSeries[]>();
    for (const series of this.list()) byName.set(series.name, [...(byName.get(series.name) ?? []), series]);
    const lines: string[] = [];
    for (const [name, all] of byName) {
      const unit = all[0]!.unit;
      const base = `goodswipe_${snakeCase(name)}${unit === 'Milliseconds' ? '_milliseconds' : ''}`;
      if (unit === 'Count') {
        lines.push(`# TYPE ${base}_total counter`);
        for (const s of all) lines.push(`${base}_total${labels(s)} ${s.sum}`);
      } else {
        lines.push(`# TYPE ${base} summary`);
        for (const s of all) lines.push(`${base}_sum${labels(s)} ${s.sum}`, `${base}_count${labels(s)} ${s.samples}`);
      }
    }
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }
}

const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function labels(series: MetricSeries): string {
  const pairs = [['namespace', series.namespace], ...Object.entries(series.dimensions)].map(
    ([name, value]) => `${name}="${value!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(',')}}`;
}
