/**
 * A mistake on the command line (unknown flag, bad value, unknown command, a file that would be
 * overwritten). The CLI prints its message and exits with code 2 without starting anything.
 */

export class UsageError extends Error {
  readonly code = 'HELIOS_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
