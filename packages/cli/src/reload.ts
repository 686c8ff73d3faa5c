/**
 * Live reload of helios.yaml (SIGHUP, --watch), the same pipeline in every mode: read and
 * validate the file (an invalid one is logged with the same report as `helios validate` and the
 * running config keeps serving), plan the change (config-change.ts), number it as the next
 * generation and hand it to the mode's `apply`: the single process swaps it in itself, a
 * cluster primary sends it to every worker and waits for each acknowledgement.
 *
 * Reloads run one at a time, in order; requests that arrive meanwhile collapse into a single
 * follow-up reload, so a burst of signals or file events reads the file once more. The outcome
 * is logged only once it is known everywhere, and counted (helios_config_reloads_total).
 */
import type { HeliosConfig } from '@helios/core';
import type { ConfigChange } from './config-change.js';
import { planConfigChange } from './config-change.js';
import { type ConfigOverrides, logConfigWarnings, readConfig } from './config-source.js';
import type { CliLogger } from './logger.js';
import { summarizePools } from './pools-summary.js';

/** A worker process that did not take a generation. */
export interface WorkerFailure {
  worker: number;
  pid: number | undefined;
  reason: string;
}

export interface ApplyReport {
  /** Worker processes running the new generation; undefined for a single process. */
  workers?: number;
  /** Workers that failed to apply it (they keep their previous generation). */
  failures: WorkerFailure[];
}

/**
 * Put generation `generation` into effect. Throwing means nothing changed anywhere (the
 * generation is not used up); worker failures are reported, not thrown.
 */
export type ApplyGeneration = (
  generation: number,
  change: ConfigChange,
) => ApplyReport | Promise<ApplyReport>;

export interface ReloaderOptions {
  configPath: string;
  overrides: ConfigOverrides;
  initial: HeliosConfig;
  /** Worker processes running (1 for a single process); changing it needs a restart. */
  workers: number;
  logger: CliLogger;
  apply: ApplyGeneration;
  /** Told about every reload attempt (the admin server counts them). */
  onReload?(outcome: 'success' | 'failure'): void;
}

export interface ReloadOutcome {
  applied: boolean;
  generation: number;
}

export class Reloader {
  readonly #options: ReloaderOptions;
  #current: HeliosConfig;
  #generation = 0;
  #tail: Promise<unknown> = Promise.resolve();
  #queued: Promise<ReloadOutcome> | undefined;

  constructor(options: ReloaderOptions) {
    this.#options = options;
    this.#current = options.initial;
  }

  /** The config currently serving. */
  get config(): HeliosConfig {
    return this.#current;
  }

  /** The generation serving: 0 for the config read at start, one more per applied reload. */
  get generation(): number {
    return this.#generation;
  }

  /** Ask for a reload; `trigger` (SIGHUP, watch) is logged. */
  request(trigger: string): Promise<ReloadOutcome> {
    if (this.#queued !== undefined) return this.#queued;
    const run = this.#tail.then(() => {
      this.#queued = undefined;
      return this.#reloadOnce(trigger);
    });
    this.#queued = run;
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #reloadOnce(trigger: string): Promise<ReloadOutcome> {
    const { logger, configPath } = this.#options;
    const rejected = (): ReloadOutcome => {
      this.#options.onReload?.('failure');
      return { applied: false, generation: this.#generation };
    };
    let result: Awaited<ReturnType<typeof readConfig>>;
    try {
      result = await readConfig(configPath, this.#options.overrides);
    } catch (error) {
      logger.error(
        { err: error, trigger },
        'config reload failed; still serving the previous config',
      );
      return rejected();
    }
    if (!result.ok) {
      logger.error(
        { trigger, issues: result.issueCount, file: configPath },
        `config reload rejected; still serving the previous config\n${result.report}`,
      );
      return rejected();
    }
    logConfigWarnings(logger, result.warnings);
    const change = planConfigChange(this.#current, result.config, {
      workers: this.#options.workers,
    });
    for (const notice of change.restart) {
      logger.warn({ setting: notice.setting, from: notice.from, to: notice.to }, notice.message);
    }
    const generation = this.#generation + 1;
    let report: ApplyReport;
    try {
      report = await this.#options.apply(generation, change);
    } catch (error) {
      logger.error(
        { err: error, trigger },
        'config reload failed; still serving the previous config',
      );
      return rejected();
    }
    this.#current = change.config;
    this.#generation = generation;
    const next = change.config;
    const fields = { trigger, generation, ...summarizePools(next).fields };
    if (report.failures.length > 0) {
      for (const failure of report.failures) {
        logger.error(
          { generation, worker: failure.worker, workerPid: failure.pid, reason: failure.reason },
          `worker ${failure.worker} (pid ${String(failure.pid)}) did not apply generation ${generation}: ${failure.reason}; it keeps its previous config`,
        );
      }
      const total = (report.workers ?? 0) + report.failures.length;
      logger.error(
        { ...fields, workers: report.workers, failed: report.failures.length },
        `config reload failed in ${report.failures.length} of ${total} workers (generation ${generation}); the others run it`,
      );
      this.#options.onReload?.('failure');
      return { applied: true, generation };
    }
    this.#options.onReload?.('success');
    const where = report.workers === undefined ? '' : `, ${report.workers} workers`;
    logger.info(
      { ...fields, workers: report.workers },
      `config reloaded (generation ${generation}${where})`,
    );
    return { applied: true, generation };
  }
}
