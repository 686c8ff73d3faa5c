/**
 * End to end in a real browser: Chromium (a system one, or the npm build; see
 * support/find-chromium.ts) driven by playwright-core opens the dashboard
 * of a running Helios, sees three backends under their pool's heading, watches one fail its
 * health checks and turn unhealthy on the page; then a dashboard over backends in two pools
 * (one origin in both) shows a section per pool. HELIOS_UPDATE_SCREENSHOT=1 also refreshes
 * docs/dashboard.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../src/index.js';
import { type Stack, startStack } from './admin-harness.js';
import { findChromium } from './support/find-chromium.js';
import { PoolProxy } from './support/pool-proxy.js';

const SCREENSHOT = fileURLToPath(new URL('../../../docs/dashboard.png', import.meta.url));
const TOKEN = 'dashboard-test-token';

let stack: Stack | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;
let load: NodeJS.Timeout | undefined;

beforeAll(async () => {
  const browser = await findChromium();
  stack = await startStack({
    backends: 3,
    activeHealth: { interval: '600ms', timeout: '500ms' },
    token: TOKEN,
  });
  profile = mkdtempSync(join(tmpdir(), 'helios-dashboard-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 820 },
    httpCredentials: { username: 'admin', password: TOKEN },
  });
  // A little steady traffic so the cards and charts have something to show.
  const proxyUrl = stack.proxyUrl;
  load = setInterval(() => {
    for (let i = 0; i < 3; i++) {
      fetch(`${proxyUrl}/`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
    }
  }, 100);
}, 30_000);

afterAll(async () => {
  clearInterval(load);
  await context?.close();
  await stack?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('admin dashboard in a browser', () => {
  it('shows three backends and turns one unhealthy when it fails its health checks', async () => {
    if (!stack || !context) throw new Error('set-up failed');
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${stack.adminUrl}/`);

    const cards = page.getByTestId('backend-card');
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3);
    // A config without pools: one section, headed `default`, holding all three.
    await expect
      .poll(() => page.getByTestId('pool-heading').allTextContents(), { timeout: 10_000 })
      .toEqual(['default']);
    expect(await page.locator('[data-pool=default] [data-testid=backend-card]').count()).toBe(3);
    await expect
      .poll(() => page.locator('[data-testid=backend-card][data-state=healthy]').count(), {
        timeout: 10_000,
      })
      .toBe(3);

    const victim = new URL(stack.fleet.urls[1] ?? '').origin;
    const card = page.locator(`[data-testid=backend-card][data-backend="${victim}"]`);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('healthy');
    await stack.fleet.backend(2).set({ healthStatus: 503 });

    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('unhealthy');
    await expect
      .poll(() => card.getByTestId('backend-state').textContent(), { timeout: 10_000 })
      .toBe('Unhealthy');
    await expect
      .poll(() => card.locator('.reason').textContent(), { timeout: 10_000 })
      .toMatch(/503/);
    const victimEvents = page.getByTestId('transition').filter({ hasText: victim });
    await expect
      .poll(() => victimEvents.first().textContent(), { timeout: 10_000 })
      .toMatch(/DOWN.*503/);
    await expect
      .poll(() => page.locator('[data-testid=backend-card][data-state=healthy]').count(), {
        timeout: 10_000,
      })
      .toBe(2);
    await expect
      .poll(() => page.locator('#t-healthy').textContent(), { timeout: 10_000 })
      .toBe('2 / 3');
    await expect
      .poll(() => page.getByTestId('pool-summary').textContent(), { timeout: 10_000 })
      .toMatch(/^2 \/ 3 up · /);

    await expect
      .poll(() => page.locator('#live').getAttribute('class'), { timeout: 10_000 })
      .toBe('live');
    const update = process.env.HELIOS_UPDATE_SCREENSHOT === '1';
    // For the docs picture, let the one-minute charts fill in a little more.
    if (update) await page.waitForTimeout(8_000);
    const shot = await page.screenshot({ fullPage: true, ...(update ? { path: SCREENSHOT } : {}) });
    expect(shot.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  }, 45_000);

  it('shows one section per pool, with the same origin in both', async () => {
    if (!context) throw new Error('set-up failed');
    const proxy = new PoolProxy([
      { url: 'http://127.0.0.1:9401', pool: 'api' },
      { url: 'http://127.0.0.1:9402', pool: 'api' },
      { url: 'http://127.0.0.1:9401', pool: 'web' },
    ]);
    const admin: AdminServer = createAdminServer({
      config: { port: 0, host: '127.0.0.1', token: TOKEN, allowUnauthenticated: false },
      proxy,
      info: { version: '0.0.0-test', strategy: 'round-robin' },
    });
    const address = await admin.listen();
    try {
      proxy.finishMany(4, { backend: proxy.backend('web', 'http://127.0.0.1:9401'), route: 'web' });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`http://127.0.0.1:${address.port}/`);

      await expect
        .poll(() => page.getByTestId('pool-heading').allTextContents(), { timeout: 10_000 })
        .toEqual(['api', 'web']);
      const api = page.locator('[data-testid=pool][data-pool=api]');
      const web = page.locator('[data-testid=pool][data-pool=web]');
      expect(await api.getByTestId('backend-card').count()).toBe(2);
      expect(await web.getByTestId('backend-card').count()).toBe(1);
      const origin = 'http://127.0.0.1:9401';
      const inApi = api.locator(`[data-backend="${origin}"]`);
      const inWeb = web.locator(`[data-backend="${origin}"]`);

      proxy.backend('web', origin).markDown('passive', '5 consecutive failures');
      await expect
        .poll(() => inWeb.getAttribute('data-state'), { timeout: 10_000 })
        .toBe('unhealthy');
      expect(await inApi.getAttribute('data-state')).toBe('healthy');
      await expect
        .poll(() => web.getAttribute('data-state'), { timeout: 10_000 })
        .toBe('unhealthy');
      expect(await api.getAttribute('data-state')).toBe('healthy');
      expect(await web.getByTestId('pool-summary').textContent()).toMatch(/^0 \/ 1 up · /);
      expect(await api.getByTestId('pool-summary').textContent()).toMatch(/^2 \/ 2 up · /);
      // With several pools, a health change names its pool.
      await expect
        .poll(() => page.getByTestId('transition').first().textContent(), { timeout: 10_000 })
        .toMatch(/DOWN.*web.*127\.0\.0\.1:9401.*5 consecutive failures/);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await admin.close();
    }
  }, 30_000);
});
