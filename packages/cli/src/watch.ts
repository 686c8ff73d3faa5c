/**
 * `--watch`: reload when the config file, or a certificate, key or CA file it names, changes.
 * It watches the files' directories, not the files: editors, config-management tools and
 * certbot save by writing a new file (or symlink) and renaming it over the old one, which
 * silently ends a watch on the file itself. Events are debounced because one save fires several.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CliLogger } from './logger.js';

export interface ConfigWatcher {
  /** Watch these files too (the certificate files of the config now serving), instead of the last set. */
  watchAlso(files: readonly string[]): void;
  close(): void;
}

export function watchConfig(
  configPath: string,
  onChange: () => void,
  logger: CliLogger,
  debounceMs = 150,
): ConfigWatcher {
  const absolute = resolve(configPath);
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    timer = undefined;
    onChange();
  };
  /** Names watched in each directory. */
  let wanted = new Map<string, Set<string>>();
  const watchers = new Map<string, FSWatcher>();

  const open = (dir: string): boolean => {
    if (watchers.has(dir)) return true;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        // Some platforms omit the name; then any change in the directory may be ours.
        if (file !== null && wanted.get(dir)?.has(file.toString()) !== true) return;
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(fire, debounceMs);
      });
    } catch (error) {
      logger.warn(
        { err: error, directory: dir },
        dir === dirname(absolute)
          ? 'cannot watch the config file; use SIGHUP to reload'
          : 'cannot watch a certificate directory; use SIGHUP to reload after renewing',
      );
      return false;
    }
    watcher.on('error', (error) => {
      logger.warn({ err: error, directory: dir }, 'file watch stopped; use SIGHUP to reload');
    });
    watchers.set(dir, watcher);
    return true;
  };

  const watchFiles = (files: readonly string[]): void => {
    const next = new Map<string, Set<string>>();
    for (const file of [absolute, ...files.map((f) => resolve(f))]) {
      const dir = dirname(file);
      const names = next.get(dir) ?? new Set<string>();
      names.add(basename(file));
      next.set(dir, names);
    }
    wanted = next;
    for (const dir of next.keys()) open(dir);
    for (const [dir, watcher] of watchers) {
      if (next.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
  };

  if (!open(dirname(absolute))) return { watchAlso: () => {}, close: () => {} };
  watchFiles([]);
  logger.info({ file: absolute }, 'watching the config file for changes');
  return {
    watchAlso: watchFiles,
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
