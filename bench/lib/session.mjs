/**
 * Priority for the whole bench on a shared machine. Linux groups processes by session into
 * scheduler "autogroups" that compete with each other as units; a per-process nice value only
 * matters inside its own group. So, as root, the harness re-runs itself in a new session and
 * gives that session's group the requested nice value: every process of the bench (proxies,
 * backends, load generator) shares that one group and keeps normal fairness inside it, while
 * builds and test runs in other sessions yield to it.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const MARK = 'HELIOS_BENCH_SESSION';

/** True when this process is the re-run inside its own session (or no re-run is wanted). */
export function inBenchSession(nice) {
  return nice === 0 || process.env[MARK] !== undefined;
}

/** Re-run this script in a new session at `nice`; resolves with the child's exit code. */
export function rerunInOwnSession(nice) {
  const child = spawn(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [MARK]: String(nice) },
  });
  try {
    writeFileSync(`/proc/${child.pid}/autogroup`, String(nice));
  } catch {
    // No autogroups (or not root): the run proceeds at normal priority.
  }
  // The child is outside the terminal's process group: pass Ctrl-C and SIGTERM on.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
