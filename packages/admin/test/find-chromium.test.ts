/**
 * The browser tests' Chromium finder: an explicit HELIOS_CHROMIUM wins (and a wrong one is an
 * error, not a silent fallback), then a system browser, then the npm build on Linux.
 */
import { describe, expect, it } from 'vitest';
import { findChromium, systemChromiumPaths } from './support/find-chromium.js';

const fromNpm = async () => '/tmp/chromium';

describe('findChromium', () => {
  it('uses HELIOS_CHROMIUM first, even when a system browser exists', async () => {
    const found = await findChromium({
      env: { HELIOS_CHROMIUM: '/opt/my/chrome' },
      platform: 'linux',
      exists: () => true,
      fromNpm,
    });
    expect(found).toEqual({ path: '/opt/my/chrome', source: 'HELIOS_CHROMIUM' });
  });

  it('fails with a clear message when HELIOS_CHROMIUM points at nothing', async () => {
    await expect(
      findChromium({ env: { HELIOS_CHROMIUM: '/nope' }, exists: () => false, fromNpm }),
    ).rejects.toThrow(/HELIOS_CHROMIUM is \/nope, but there is no file there/);
  });

  it("prefers the system's Chrome on macOS", async () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const found = await findChromium({
      env: {},
      platform: 'darwin',
      exists: (path) => path === chrome,
      fromNpm,
    });
    expect(found).toEqual({ path: chrome, source: 'system' });
  });

  it("uses Debian's chromium when it is installed", async () => {
    const found = await findChromium({
      env: {},
      platform: 'linux',
      exists: (path) => path === '/usr/bin/chromium',
      fromNpm,
    });
    expect(found).toEqual({ path: '/usr/bin/chromium', source: 'system' });
  });

  it('falls back to the npm build on Linux without a system browser', async () => {
    const found = await findChromium({ env: {}, platform: 'linux', exists: () => false, fromNpm });
    expect(found).toEqual({ path: '/tmp/chromium', source: 'npm' });
  });

  it('names the places it looked when nothing is found off Linux', async () => {
    await expect(
      findChromium({ env: {}, platform: 'darwin', exists: () => false, fromNpm }),
    ).rejects.toThrow(systemChromiumPaths('darwin')[0] ?? 'missing');
  });

  it('really unpacks a runnable Chromium from the npm package on this machine', async () => {
    if (process.platform !== 'linux') return;
    const found = await findChromium({ env: {}, platform: 'linux', exists: () => false });
    expect(found.source).toBe('npm');
    const { existsSync, statSync } = await import('node:fs');
    expect(existsSync(found.path)).toBe(true);
    expect(statSync(found.path).mode & 0o111).not.toBe(0);
  }, 60_000);
});
