/**
 * Multi-process Helios (`workers:` in helios.yaml): a primary that holds the listening socket
 * and hands connections to worker processes, which run the proxy; one health view and one
 * in-flight view across them; reloads numbered as generations. See docs/workers.md.
 */

export { ConnectionDispatcher, type DispatcherLimits } from './connection-dispatcher.js';
export { CrashBackoff, type CrashBackoffOptions } from './crash-backoff.js';
export { InFlightTable } from './in-flight-table.js';
export { type ClusterOptions, ClusterPrimary, type ClusterRunning, runCluster } from './primary.js';
export { runWorker } from './worker.js';
export { resolveWorkerCount } from './worker-count.js';
export { isHeliosWorker } from './worker-env.js';
