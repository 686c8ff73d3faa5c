/**
 * The one reload pipeline (reload.ts) every mode runs, with the apply step of a cluster stood
 * in: generations are numbered and used up only when applied, the outcome is logged once it is
 * known everywhere, every worker that failed is logged by name, and each reload is counted.
 */
import { writeFile } from 'node:fs/promises';
import { type HeliosConfig, parseConfig } from '@helios/core';
import { builtinStrategies } from '@helios/strategies';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigChange } from '../src/config-change.js';
import { type ApplyReport, Reloader } from '../src/reload.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

afterEach(removeTempDirs);

const yaml = (backend: string) => `port: 8080\nworkers: 2\nbackends:\n  - ${backend}\n`;

async function setup(apply: (generation: number, change: ConfigChange) => ApplyReport) {
  const dir = await tempDir();
  const path = await writeConfig(dir, yaml('http://127.0.0.1:9001'));
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  const outcomes: string[] = [];
  // As `helios start` read it (config-source.ts): with the built-in strategies.
  const initial: HeliosConfig = parseConfig(
    yaml('http://127.0.0.1:9001'),
    path,
    {},
    {
      strategies: builtinStrategies,
    },
  );
  const reloader = new Reloader({
    configPath: path,
    overrides: {},
    initial,
    workers: 2,
    logger,
    apply,
    onReload: (outcome) => outcomes.push(outcome),
  });
  return { path, lines, outcomes, reloader };
}

describe('Reloader', () => {
  it('numbers applied reloads and logs them once every worker acknowledged', async () => {
    const seen: number[] = [];
    const { path, lines, outcomes, reloader } = await setup((generation) => {
      seen.push(generation);
      return { workers: 2, failures: [] };
    });
    await writeFile(path, yaml('http://127.0.0.1:9002'));
    expect(await reloader.request('SIGHUP')).toEqual({ applied: true, generation: 1 });
    expect(await reloader.request('SIGHUP')).toEqual({ applied: true, generation: 2 });
    expect(seen).toEqual([1, 2]);
    expect(lines.filter((l) => l.msg.startsWith('config reloaded')).map((l) => l.msg)).toEqual([
      'config reloaded (generation 1, 2 workers)',
      'config reloaded (generation 2, 2 workers)',
    ]);
    expect(outcomes).toEqual(['success', 'success']);
    expect(reloader.config.backends?.[0]?.url.origin).toBe('http://127.0.0.1:9002');
  });

  it('logs each worker that failed a generation and counts the reload as a failure', async () => {
    const { path, lines, outcomes, reloader } = await setup(() => ({
      workers: 1,
      failures: [{ worker: 2, pid: 4242, reason: 'boom' }],
    }));
    await writeFile(path, yaml('http://127.0.0.1:9002'));
    expect(await reloader.request('SIGHUP')).toEqual({ applied: true, generation: 1 });
    const errors = lines.filter((l) => l.level === 50).map((l) => l.msg);
    expect(errors).toEqual([
      'worker 2 (pid 4242) did not apply generation 1: boom; it keeps its previous config',
      'config reload failed in 1 of 2 workers (generation 1); the others run it',
    ]);
    expect(lines.some((l) => l.msg.startsWith('config reloaded'))).toBe(false);
    expect(outcomes).toEqual(['failure']);
  });

  it('uses up no generation for an invalid file or an apply that changed nothing', async () => {
    let fail = true;
    const { path, outcomes, reloader } = await setup(() => {
      if (fail) throw new Error('cannot build the strategy');
      return { failures: [] };
    });
    await writeFile(path, 'port: 8080\nbackends: []\n');
    expect(await reloader.request('SIGHUP')).toEqual({ applied: false, generation: 0 });
    await writeFile(path, yaml('http://127.0.0.1:9002'));
    expect(await reloader.request('SIGHUP')).toEqual({ applied: false, generation: 0 });
    fail = false;
    expect(await reloader.request('SIGHUP')).toEqual({ applied: true, generation: 1 });
    expect(outcomes).toEqual(['failure', 'failure', 'success']);
  });
});
