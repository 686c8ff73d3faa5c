/**
 * Requests the primary sends to a set of workers and waits on: a config generation (every
 * worker acknowledges it, or says why not) and a traffic report (for `/metrics` and
 * `/api/status`). A worker that exits before answering is not waited for: a reload's
 * replacement starts with the new generation anyway, and a report simply leaves it out.
 */
import type { ApplyReport, WorkerFailure } from '../reload.js';
import type { WorkerReport } from './messages.js';
import type { WorkerHandle } from './worker-handle.js';

/** Send generation `generation` (its config as wire text) and gather the acknowledgements. */
export async function sendGeneration(
  workers: readonly WorkerHandle[],
  generation: number,
  config: string,
  timeoutMs: number,
): Promise<ApplyReport> {
  const answers = await Promise.all(
    workers.map((worker) =>
      worker.ask({ helios: 'reload', generation, config }, `reloaded:${generation}`, timeoutMs),
    ),
  );
  const failures: WorkerFailure[] = [];
  let applied = 0;
  for (const [i, answer] of answers.entries()) {
    const worker = workers[i];
    if (worker === undefined || answer === 'exited') continue;
    if (answer === 'timeout') {
      failures.push({
        worker: worker.slot,
        pid: worker.pid,
        reason: `no answer within ${timeoutMs} ms`,
      });
    } else if (answer.helios === 'reloaded' && answer.error !== undefined) {
      failures.push({ worker: worker.slot, pid: worker.pid, reason: answer.error });
    } else {
      worker.generation = Math.max(worker.generation, generation);
      applied++;
    }
  }
  return { workers: applied, failures };
}

/** Every answering worker's traffic report (request `id`). */
export async function collectReports(
  workers: readonly WorkerHandle[],
  id: number,
  timeoutMs: number,
): Promise<WorkerReport[]> {
  const replies = await Promise.all(
    workers.map((worker) => worker.ask({ helios: 'report', id }, `report:${id}`, timeoutMs)),
  );
  const reports: WorkerReport[] = [];
  for (const reply of replies) {
    if (typeof reply === 'object' && reply.helios === 'report') reports.push(reply.report);
  }
  return reports;
}
