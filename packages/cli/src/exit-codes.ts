/**
 * The process exit codes of the `helios` command. They are part of the CLI's public contract
 * (scripts and supervisors branch on them), so they never change meaning.
 */

export const ExitCode = {
  /** Finished normally, or shut down cleanly on SIGTERM/SIGINT. */
  ok: 0,
  /** Something failed while running: a port already in use, an I/O error, a crash. */
  runtime: 1,
  /** The command line or the configuration is wrong; nothing was started. */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
