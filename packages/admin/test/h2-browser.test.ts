/**
 * A real browser over HTTP/2: Chromium (see support/find-chromium.ts) loads a page proxied by
 * Helios on a TLS listener with `http2` (the default with `tls`), and the page's navigation
 * entry says the next hop spoke `h2`; a second load on the same origin reuses the connection.
 * The certificate comes from a throwaway CA; the browser is told to trust it for this test only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createProxy,
  type HeliosProxy,
  loadTlsMaterial,
  type RequestRecord,
  resolveConfig,
} from '@helios/core';
import { createStrategy } from '@helios/strategies';
import { createTestCertificateAuthority, type Fleet, startBackends } from '@helios/test-backends';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from './support/find-chromium.js';

let fleet: Fleet | undefined;
let proxy: HeliosProxy | undefined;
let context: BrowserContext | undefined;
let dir: string | undefined;
let origin = '';
const versions: string[] = [];

beforeAll(async () => {
  const browser = await findChromium();
  fleet = await startBackends({ count: 2 });
  dir = mkdtempSync(join(tmpdir(), 'helios-h2-browser-'));
  const authority = await createTestCertificateAuthority();
  const leaf = await authority.issue({ names: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'site.pem'), leaf.cert);
  writeFileSync(join(dir, 'site-key.pem'), leaf.key);
  const resolved = resolveConfig(
    {
      port: 0,
      host: '127.0.0.1',
      tls: { cert: 'site.pem', key: 'site-key.pem' },
      backends: fleet.urls,
      health: { active: { enabled: false }, passive: { enabled: false } },
    },
    'h2-browser',
  );
  const { config, issues } = await loadTlsMaterial(resolved, dir);
  expect(issues).toEqual([]);
  proxy = createProxy({
    config,
    strategy: createStrategy(resolved.strategy),
  });
  proxy.on('request:end', (r: RequestRecord) => versions.push(r.httpVersion));
  const { port } = await proxy.listen();
  origin = `https://localhost:${port}`;
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browser.path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    // The throwaway CA is not in the browser's store: accept its certificate for this run.
    ignoreHTTPSErrors: true,
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await proxy?.close();
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a browser over HTTP/2', () => {
  it('loads a proxied page over https with h2 (nextHopProtocol) and the record says 2.0', async () => {
    if (!context) throw new Error('set-up failed');
    const page = await context.newPage();
    const response = await page.goto(`${origin}/page`);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('body')).toContain('Halo dari Server');
    // Runs in the page; typed loosely here, where the DOM lib is not loaded.
    const protocol = await page.evaluate(
      () => (performance.getEntries()[0] as unknown as { nextHopProtocol: string }).nextHopProtocol,
    );
    expect(protocol).toBe('h2');
    // A fetch from the page rides the same h2 connection.
    const status = await page.evaluate(async () => (await fetch('/again')).status);
    expect(status).toBe(200);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(versions)).toEqual(new Set(['2.0']));
    await page.close();
  });
});
