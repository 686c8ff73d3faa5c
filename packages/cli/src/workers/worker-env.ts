/**
 * How a process knows it is a Helios cluster worker: the primary forks it with HELIOS_WORKER
 * set and an IPC channel open. Kept apart so `helios start` can ask without loading the
 * worker code.
 */

export function isHeliosWorker(): boolean {
  return process.env.HELIOS_WORKER !== undefined && typeof process.send === 'function';
}
