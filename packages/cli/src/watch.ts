/**
 * `--watch`: reload when the config file changes. It watches the file's directory, not the file:
 * editors and config-management tools save by writing a new file and renaming it over the old
 * one, which silently ends a watch on the file itself. Events are debounced because one save
 * fires several of them.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CliLogger } from './logger.js';

export interface ConfigWatcher {
  close(): void;
}

export function watchConfig(
  configPath: string,
  onChange: () => void,
  logger: CliLogger,
  debounceMs = 150,
): ConfigWatcher {
  const absolute = resolve(configPath);
  const name = basename(absolute);
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    timer = undefined;
    onChange();
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(absolute), { persistent: false }, (_event, file) => {
      // Some platforms omit the name; then any change in the directory may be ours.
      if (file !== null && file.toString() !== name) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    });
  } catch (error) {
    logger.warn(
      { err: error, file: absolute },
      'cannot watch the config file; use SIGHUP to reload',
    );
    return { close: () => {} };
  }
  watcher.on('error', (error) => {
    logger.warn({ err: error, file: absolute }, 'config watch stopped; use SIGHUP to reload');
  });
  logger.info({ file: absolute }, 'watching the config file for changes');
  return {
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
