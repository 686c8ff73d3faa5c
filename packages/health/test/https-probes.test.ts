/**
 * Active probes of `https://` backends dial with the pool's TLS settings (core's
 * `UpstreamTransport`): a private CA, a server name, a client certificate. Without them a
 * backend behind a private CA looks down, which is exactly what must not happen.
 */
import { Backend, type UpstreamTlsOptions, type UpstreamTransport } from '@helios/core';
import {
  createTestCertificateAuthority,
  type Fleet,
  type PemPair,
  startBackends,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHealthChecker, type HealthChecker } from '../src/checker.js';
import type { HealthTransition } from '../src/transition.js';
import { healthConfig } from './helpers.js';
import { waitFor } from './wait-for.js';

let authority: TestCertificateAuthority;
let internal: PemPair;
let client: PemPair;
beforeAll(async () => {
  authority = await createTestCertificateAuthority();
  internal = await authority.issue({ names: ['api.internal'] });
  client = await authority.issue({ names: ['helios-proxy'], usage: 'client' });
});

let fleet: Fleet | undefined;
let checker: HealthChecker | undefined;
afterEach(async () => {
  await checker?.close();
  await fleet?.close();
  checker = undefined;
  fleet = undefined;
});

function transport(tls: Partial<UpstreamTlsOptions>): UpstreamTransport {
  return {
    tls: { rejectUnauthorized: true, ...tls },
    http2: false,
    fingerprint: JSON.stringify(tls),
  };
}

async function setup(requireClientCert: boolean, tls: UpstreamTransport | undefined) {
  fleet = await startBackends({
    count: 1,
    tls: { ...internal, ...(requireClientCert ? { clientCa: authority.ca.cert } : {}) },
  });
  const backends = fleet.urls.map(
    (url, index) => new Backend({ url: new URL(url), weight: 1, index }),
  );
  const events: HealthTransition[] = [];
  checker = createHealthChecker({
    health: healthConfig({
      passive: { enabled: false },
      active: { interval: 25, timeout: 1_000, unhealthyThreshold: 1, healthyThreshold: 1 },
    }),
    backends: backends.map((b) => ({ url: b.url, weight: 1, maxConnections: 8, health: {} })),
    ...(tls === undefined ? {} : { transport: tls }),
  });
  checker.on('transition', (e) => events.push({ ...e }));
  checker.update(backends);
  return { fleet, backends, events, checker };
}

describe('active probes of https:// backends', () => {
  it('trust the pool’s CA and check its server name: the backend stays up', async () => {
    const { fleet, backends, events } = await setup(
      false,
      transport({ ca: authority.ca.cert, servername: 'api.internal' }),
    );
    await waitFor(() => fleet.backend(1).stats.healthChecks >= 3, 'three probes');
    expect(backends[0]?.available).toBe(true);
    expect(events).toEqual([]);
  });

  it('without the pool’s TLS settings the same backend looks down, with the TLS reason', async () => {
    const { backends, events } = await setup(false, undefined);
    await waitFor(() => events.length > 0, 'a transition');
    expect(backends[0]?.available).toBe(false);
    expect(events[0]?.reason).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
  });

  it('present the client certificate to a backend that requires mutual TLS', async () => {
    const { fleet, backends, events } = await setup(
      true,
      transport({
        ca: authority.ca.cert,
        servername: 'api.internal',
        cert: client.cert,
        key: client.key,
      }),
    );
    await waitFor(() => fleet.backend(1).stats.healthChecks >= 2, 'two probes');
    expect(backends[0]?.available).toBe(true);
    expect(events).toEqual([]);
  });

  it('a reload’s new TLS settings (configureTransport) bring a backend back', async () => {
    const { backends, events, checker } = await setup(
      false,
      transport({ ca: authority.ca.cert }), // wrong name: the certificate is for api.internal
    );
    await waitFor(() => backends[0]?.available === false, 'down on the wrong name');
    expect(events[0]?.reason).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    checker.configureTransport(transport({ ca: authority.ca.cert, servername: 'api.internal' }));
    await waitFor(() => backends[0]?.available === true, 'back up');
  });
});
