/**
 * One `/metrics` for several processes that serve the same config (a cluster's workers).
 * Traffic series are added up over the processes' snapshots (prom-client's `AggregatorRegistry`:
 * counters and histograms summed per label set). Series that describe state every process
 * shares (backend health, weight and global in-flight, ejections, reloads, `helios_info`) come
 * from the one process that holds the global view only: added up, each would count once per
 * process.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';

/** The series `mergeMetrics` takes from `shared` and never adds up. */
export const SHARED_SERIES: ReadonlySet<string> = new Set([
  'helios_info',
  'helios_backend_in_flight',
  'helios_backend_up',
  'helios_backend_weight',
  'helios_backend_ejections_total',
  'helios_config_reloads_total',
]);

/** One metric of `registry.getMetricsAsJSON()`, as it crosses a process boundary. */
export interface MetricJson {
  readonly name: string;
}

/**
 * The Prometheus text for `shared`'s SHARED_SERIES plus every other series summed over `parts`
 * (each one process' `getMetricsAsJSON()`, e.g. `AdminCollector.report().metrics`).
 */
export async function mergeMetrics(
  shared: Registry,
  parts: readonly (readonly MetricJson[])[],
): Promise<string> {
  const own = (await shared.getMetricsAsJSON()).filter((m) => SHARED_SERIES.has(m.name));
  const traffic = parts.map((part) => part.filter((m) => !SHARED_SERIES.has(m.name)));
  return AggregatorRegistry.aggregate([own, ...traffic]).metrics();
}
