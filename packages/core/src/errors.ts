/**
 * Error classes for Helios. Every error carries a stable `code` so callers and logs can match
 * on it without parsing messages; messages say what went wrong, where, and how to fix it.
 */

export class HeliosError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeliosError';
    this.code = code;
  }
}
