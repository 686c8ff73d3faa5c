/**
 * One Helios in front of one test backend per `describe` block, shared by every case in it, plus
 * what the cases assert on besides the wire: the health hooks' calls (a refused request must
 * never reach them with a failure, or at all) and the `request:end` records (client address,
 * status). Between cases it waits until Helios and the backend are idle, so nothing of one case
 * leaks into the next.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { HealthHooks } from '../../../src/health-hooks.js';
import { createProxy, type HeliosProxy } from '../../../src/proxy.js';
import type { RequestRecord } from '../../../src/request-record.js';
import type { FailureKind } from '../../../src/strategy.js';
import { type TestConfigOverrides, testConfig } from '../../helpers/config.js';
import { waitFor } from '../../helpers/harness.js';
import { TestRoundRobin } from '../../helpers/strategy.js';
import { type RecordingBackend, startRecordingBackend } from './recording-backend.js';
import { type ScriptedBackend, startScriptedBackend } from './scripted-backend.js';

export interface HealthCall {
  backend: string;
  status: number;
  failure: FailureKind | undefined;
}

export interface EndRecord {
  path: string;
  status: number;
  clientAddress: string;
  errorCode: string | undefined;
}

export interface Suite<B> {
  readonly port: number;
  readonly proxy: HeliosProxy;
  readonly backend: B;
  /** Every `onRequestEnd` the health hooks received since the case began. */
  readonly health: HealthCall[];
  /** Every `request:end` since the case began. */
  readonly ends: EndRecord[];
  /** Waits until no request is in flight in Helios or the backend. */
  settle(): Promise<void>;
  /** Settles, then forgets what the backend, the health hooks and the events recorded. */
  reset(): Promise<void>;
}

interface Backendish {
  url: string;
  reset(): void;
  close(): Promise<void>;
}

function useSuite<B extends Backendish>(
  start: () => Promise<B>,
  overrides: TestConfigOverrides,
  idle: (backend: B) => boolean,
): Suite<B> {
  const health: HealthCall[] = [];
  const ends: EndRecord[] = [];
  let backend: B | undefined;
  let proxy: HeliosProxy | undefined;
  let port = 0;
  const hooks: HealthHooks = {
    update() {},
    onRequestEnd(target, status, failure) {
      health.push({ backend: target.id, status, failure });
    },
    close() {},
  };
  const suite: Suite<B> = {
    get port() {
      return port;
    },
    get proxy() {
      if (proxy === undefined) throw new Error('the suite has not started');
      return proxy;
    },
    get backend() {
      if (backend === undefined) throw new Error('the suite has not started');
      return backend;
    },
    health,
    ends,
    async settle() {
      await waitFor(
        () => proxy?.inFlightRequests === 0 && backend !== undefined && idle(backend),
        3_000,
        'Helios and the backend to be idle',
      );
    },
    async reset() {
      await suite.settle();
      backend?.reset();
      health.length = 0;
      ends.length = 0;
    },
  };
  beforeAll(async () => {
    backend = await start();
    proxy = createProxy({
      config: testConfig([backend.url], overrides),
      strategy: new TestRoundRobin(),
      health: hooks,
    });
    proxy.on('request:end', (r: RequestRecord) => {
      ends.push({
        path: r.path,
        status: r.status,
        clientAddress: r.clientAddress,
        errorCode: r.errorCode,
      });
    });
    port = (await proxy.listen()).port;
  });
  afterAll(async () => {
    await proxy?.close();
    await backend?.close();
  });
  beforeEach(() => suite.reset());
  return suite;
}

/** Helios in front of a backend that records requests and answers `200 ok`. */
export function useRecordingSuite(overrides: TestConfigOverrides = {}): Suite<RecordingBackend> {
  return useSuite(startRecordingBackend, overrides, (b) => b.active === 0);
}

/** Helios in front of a raw backend that answers with scripted bytes. */
export function useScriptedSuite(overrides: TestConfigOverrides = {}): Suite<ScriptedBackend> {
  return useSuite(startScriptedBackend, overrides, () => true);
}
