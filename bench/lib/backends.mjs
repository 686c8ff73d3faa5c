/**
 * The origin fleet: `count` single-process node:http servers (servers/backend.mjs), pinned to
 * the load cores so that they and the load generator share the core the proxy is not on.
 */
import { fileURLToPath } from 'node:url';
import { repin, spawnPinned, stop, waitReadyLine } from './procs.mjs';

const script = fileURLToPath(new URL('../servers/backend.mjs', import.meta.url));

export async function startBackends(count, cpus) {
  const children = [];
  try {
    for (let i = 0; i < count; i++) {
      const child = spawnPinned(cpus, process.execPath, [script]);
      children.push(child);
      const { port } = await waitReadyLine(child, `backend ${i + 1}`);
      child.port = port;
    }
  } catch (err) {
    await Promise.all(children.map((c) => stop(c)));
    throw err;
  }
  return {
    urls: children.map((c) => `http://127.0.0.1:${c.port}`),
    pin: (newCpus) => {
      for (const c of children) repin(c.pid, newCpus);
    },
    close: () => Promise.all(children.map((c) => stop(c))),
  };
}
