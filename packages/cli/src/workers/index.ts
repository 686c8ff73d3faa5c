/**
 * Multi-process Helios (`workers:` in helios.yaml): a cluster primary that forks, supervises,
 * reloads and drains worker processes which run the proxy, with one shared view of backend
 * health and in-flight load. See docs/workers.md.
 */

export { CrashBackoff, type CrashBackoffOptions } from './crash-backoff.js';
export { InFlightTable } from './in-flight-table.js';
export { chooseListenMode, type ListenMode, reusePortSupported } from './listen-mode.js';
export { type ClusterOptions, ClusterPrimary, type ClusterRunning, runCluster } from './primary.js';
export { runWorker } from './worker.js';
export { resolveWorkerCount } from './worker-count.js';
export { isHeliosWorker } from './worker-env.js';
