/**
 * Live reload of helios.yaml (SIGHUP, --watch). A valid new config is swapped in atomically by
 * the proxy (in-flight requests and upgraded connections keep going) and handed to the health
 * checker; an invalid one is logged with the same report as `helios validate` and the running
 * config keeps serving. Reloads run one at a time; requests that arrive meanwhile collapse into
 * a single follow-up reload, so a burst of signals or file events reads the file once more.
 */
import type { HeliosConfig, Strategy } from '@helios/core';
import type { AccessLog } from './access-log.js';
import { type ConfigOverrides, readConfig } from './config-source.js';
import type { CliLogger } from './logger.js';

export interface ReloadTargets {
  proxy: { reload(config: HeliosConfig, strategy?: Strategy): Promise<void> };
  health: { configure(health: HeliosConfig['health'], backends: HeliosConfig['backends']): void };
  createStrategy(config: HeliosConfig['strategy']): Strategy;
  accessLog: AccessLog;
  logger: CliLogger;
  /** Told about every reload attempt (the admin server counts them). */
  onReload?(outcome: 'success' | 'failure'): void;
}

export interface ReloaderOptions extends ReloadTargets {
  configPath: string;
  overrides: ConfigOverrides;
  initial: HeliosConfig;
  /** --log-level from the command line wins over `logging.level` in every reloaded config. */
  logLevelOverride: string | undefined;
}

export interface ReloadOutcome {
  applied: boolean;
  generation: number;
}

function sameStrategy(a: HeliosConfig['strategy'], b: HeliosConfig['strategy']): boolean {
  return a.name === b.name && JSON.stringify(a.options) === JSON.stringify(b.options);
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
    const next = this.#keepRestartOnlySettings(result.config);
    try {
      await this.#apply(next);
    } catch (error) {
      logger.error(
        { err: error, trigger },
        'config reload failed; still serving the previous config',
      );
      return rejected();
    }
    this.#current = next;
    this.#generation += 1;
    this.#options.onReload?.('success');
    logger.info(
      {
        trigger,
        generation: this.#generation,
        strategy: next.strategy.name,
        backends: next.backends.map((b) => b.url.origin),
      },
      'config reloaded',
    );
    return { applied: true, generation: this.#generation };
  }

  async #apply(next: HeliosConfig): Promise<void> {
    const { proxy, health, accessLog, logger, createStrategy } = this.#options;
    const strategy = sameStrategy(this.#current.strategy, next.strategy)
      ? undefined
      : createStrategy(next.strategy);
    const retired = proxy.reload(next, strategy);
    // The proxy swaps the config at once, then its promise waits until the pools of removed
    // backends have finished their requests, which a long download or stream can stretch to
    // minutes. Later reloads must not queue behind that, so wait only for the swap: a failure
    // to swap has rejected the promise before the next turn of the event loop.
    let swapped = false;
    await Promise.race([
      retired.then(() => {
        swapped = true;
      }),
      new Promise<void>((resolve) => setImmediate(resolve)),
    ]);
    if (!swapped) {
      retired.catch((error: unknown) => {
        logger.warn({ err: error }, 'closing the connections of removed backends failed');
      });
    }
    health.configure(next.health, next.backends);
    accessLog.configure(next.accessLog);
    if (this.#options.logLevelOverride === undefined) logger.level = next.logging.level;
  }

  /** The listener and admin bind sockets: changing them needs a restart, so keep the old ones. */
  #keepRestartOnlySettings(next: HeliosConfig): HeliosConfig {
    const current = this.#current;
    const { logger } = this.#options;
    let kept = next;
    if (next.port !== current.port || next.host !== current.host) {
      logger.warn(
        { from: `${current.host}:${current.port}`, to: `${next.host}:${next.port}` },
        'changing the listen address needs a restart; keeping the current one',
      );
      kept = { ...kept, port: current.port, host: current.host };
    }
    if (next.limits.maxHeaderSize !== current.limits.maxHeaderSize) {
      logger.warn('changing limits.maxHeaderSize needs a restart; keeping the current value');
      kept = { ...kept, limits: { ...kept.limits, maxHeaderSize: current.limits.maxHeaderSize } };
    }
    if (JSON.stringify(next.admin) !== JSON.stringify(current.admin)) {
      logger.warn('changing admin settings needs a restart; keeping the current ones');
      kept = { ...kept, admin: current.admin };
    }
    return kept;
  }
}
