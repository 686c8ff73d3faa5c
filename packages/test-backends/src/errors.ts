/**
 * Errors raised by @helios/test-backends. Each carries a stable `code` so tests and the CLI can
 * match on it; messages say what was wrong, where, and how to fix it.
 */

export type TestBackendErrorCode =
  | 'HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR'
  | 'HELIOS_TEST_BACKENDS_INVALID_OPTIONS'
  | 'HELIOS_TEST_BACKENDS_LISTEN_FAILED'
  | 'HELIOS_TEST_BACKENDS_CLOSED';

export class TestBackendError extends Error {
  readonly code: TestBackendErrorCode;

  constructor(code: TestBackendErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestBackendError';
    this.code = code;
  }
}
