/**
 * Child-process plumbing for the bench: spawn a server pinned to given cores, wait until it
 * is ready, read its peak memory from /proc, and stop it. Everything is loopback-only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

const live = new Set();

/** Stop every server the bench started and that is still running (on Ctrl-C or a crash). */
export function killAllStarted() {
  for (const child of live) child.kill('SIGTERM');
}

/** Is `taskset` usable here (Linux with util-linux)? */
export function canPin() {
  return hasTaskset;
}

/**
 * Spawn `cmd args` pinned to `cpus` (a taskset list such as "0" or "1-3"; undefined = no pin).
 * taskset execs the command, so the returned pid is the server's own pid.
 */
export function spawnPinned(cpus, cmd, args, options = {}) {
  const pinned = cpus !== undefined && hasTaskset;
  const argv = pinned ? ['taskset', '-c', cpus, cmd, ...args] : [cmd, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // Keep only the tail: enough to explain a failure, never an unbounded buffer.
  const keep = (chunk) => {
    child.output = (child.output + chunk).slice(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return child;
}

/** Re-pin every thread of an already running process (used to move backends between steps). */
export function repin(pid, cpus) {
  if (!hasTaskset || cpus === undefined) return;
  spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Wait for a line `{"ready":true,"port":N,...}` on the child's stdout. */
export function waitReadyLine(child, label, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${label} did not report ready within ${timeoutMs} ms:\n${child.output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const msg = JSON.parse(line);
          if (msg.ready) {
            cleanup();
            resolve(msg);
            return;
          }
        } catch {
          // not our line
        }
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`${label} exited (${code ?? signal}) before ready:\n${child.output}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Poll until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port, child, label, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${label} exited (${child.exitCode}) before listening:\n${child.output}`);
    }
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${label} did not listen on ${port} within ${timeoutMs} ms:\n${child.output}`);
}

/** An ephemeral port that was free a moment ago (for servers that need a port in a config file). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function readStatusKb(pid, field) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (nginx master + workers, cluster primary + workers). */
export function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // ppid is the 2nd field after the parenthesised command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // process vanished while listing
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift();
    out.push(p);
    for (const c of children.get(p) ?? []) queue.push(c);
  }
  return out;
}

/** Peak resident set (VmHWM) summed over the process tree, in bytes. */
export function peakRss(pid) {
  let kb = 0;
  for (const p of processTree(pid)) kb += readStatusKb(p, 'VmHWM');
  return kb * 1024;
}

/** Reset the peak-RSS mark (VmHWM := VmRSS) of the tree, so a later peak covers only what follows. */
export function resetPeakRss(pid) {
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      // not permitted here: the peak then also covers start-up (a conservative reading)
    }
  }
}

/** Current resident set (VmRSS) summed over the process tree, in bytes. */
export function currentRss(pid) {
  let kb = 0;
  for (const p of processTree(pid)) kb += readStatusKb(p, 'VmRSS');
  return kb * 1024;
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still there. */
export async function stop(child, graceMs = 3_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** utime+stime (clock ticks) summed over the process tree. */
export function treeCpuTicks(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks;
}

/** Process-context busy ticks and total ticks summed over each cpu listed in a taskset list like "0" or "0-1". */
export function cpuTicks(cpuList) {
  const wanted = new Set();
  for (const part of cpuList.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    for (let c = a; c <= b; c++) wanted.add(`cpu${c}`);
  }
  let busy = 0;
  let total = 0;
  let nonIdle = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const f = line.split(/\s+/);
    if (!wanted.has(f[0])) continue;
    const v = f.slice(1, 9).map(Number);
    const all = v.reduce((a, b) => a + b, 0);
    total += all;
    // user + nice + system only: irq/softirq time (loopback packet work) is not attributed to
    // processes, so counting it would make the proxy's own network work look "foreign".
    busy += v[0] + v[1] + v[2];
    nonIdle += all - v[3] - v[4];
  }
  return { busy, total, nonIdle };
}

/**
 * Wait (at most `maxMs`) until the machine is quiet: less than `maxBusyPct` of all cores busy
 * over a 500 ms sample while the bench itself is idle between cells. Returns the last busy %.
 */
export async function waitQuiet(maxMs, maxBusyPct) {
  const all = `0-${os.cpus().length - 1}`;
  const deadline = Date.now() + maxMs;
  for (;;) {
    const a = cpuTicks(all);
    await sleep(500);
    const b = cpuTicks(all);
    const pct = ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100;
    if (pct < maxBusyPct || Date.now() >= deadline) return pct;
  }
}
