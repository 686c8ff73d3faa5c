/**
 * A Prometheus histogram whose buckets live in Helios's own counters (`DurationHistogram`) and
 * are only turned into samples at scrape time. prom-client's `Histogram` hashes and validates
 * labels on every `observe`, which is too much for the request path, and has no way to load
 * bucket counts kept elsewhere; its registry only needs `name`, `help`, `type`, `aggregator`
 * and `get()`, which this class provides.
 */
import type { Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, type DurationHistogram } from './backend-traffic.js';

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** The label set of one histogram (without `le`), and its counts. */
export type LabelledHistogram = readonly [
  labels: Readonly<Record<string, string>>,
  DurationHistogram,
];

export class SnapshotHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #read: () => Iterable<LabelledHistogram>;

  constructor(name: string, help: string, read: () => Iterable<LabelledHistogram>) {
    this.name = name;
    this.help = help;
    this.#read = read;
  }

  register(registry: Registry): void {
    // The registry accepts any object with the members above; its type only lists its own
    // metric classes.
    registry.registerMetric(this as unknown as Histogram);
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Sample[];
  }> {
    const values: Sample[] = [];
    for (const [labels, histogram] of this.#read()) {
      if (histogram.count === 0) continue;
      let cumulative = 0;
      for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i++) {
        cumulative += histogram.counts[i] ?? 0;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le: DURATION_BUCKETS_SECONDS[i] ?? 0 },
          value: cumulative,
        });
      }
      values.push(
        {
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le: '+Inf' },
          value: histogram.count,
        },
        { metricName: `${this.name}_sum`, labels, value: histogram.sumSeconds },
        { metricName: `${this.name}_count`, labels, value: histogram.count },
      );
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }
}
