/** Public face of @helios/test-backends. */
export type { Behaviour, ResetMode } from './behaviour.js';
export { behaviourKeys, defaultBehaviour } from './behaviour.js';
export {
  createTestCertificateAuthority,
  type LeafOptions,
  type PemPair,
  type TestCertificateAuthority,
} from './certificates.js';
export { CONTROL_PATH } from './control.js';
export type { EchoReport } from './echo.js';
export { TestBackendError, type TestBackendErrorCode } from './errors.js';
export { type Fleet, type StartBackendsOptions, startBackends } from './fleet.js';
export { greeting, type RequestEndEvent } from './host.js';
export { liveBackendCount } from './live-registry.js';
export { ECHO_BODY_LIMIT } from './request-body.js';
export {
  type BackendTlsOptions,
  startBackend,
  TestBackend,
  type TestBackendOptions,
} from './server.js';
export type { BackendStats } from './stats.js';
export { patternByte } from './stream-body.js';
