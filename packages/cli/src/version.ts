/**
 * The CLI's own version, read from its package.json next to dist/. The single-file build has no
 * package.json beside it, so its bundler defines `__HELIOS_VERSION__` instead.
 */
import { readFileSync } from 'node:fs';

declare const __HELIOS_VERSION__: string | undefined;

function readPackageVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && 'version' in parsed) {
      return String(parsed.version);
    }
  } catch {
    // Fall through: a missing package.json must not stop `helios --version` from answering.
  }
  return 'unknown';
}

export function cliVersion(): string {
  return typeof __HELIOS_VERSION__ === 'string' ? __HELIOS_VERSION__ : readPackageVersion();
}
