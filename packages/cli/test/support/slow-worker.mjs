// Test-only preload (NODE_OPTIONS=--import): delays chosen Helios worker processes before the
// CLI loads, so a test can act while a worker is still starting. HELIOS_TEST_SLOW_WORKERS names a
// JSON file mapping worker slots to milliseconds ({"2": 3000}); it is read at each worker's
// start, so rewriting it affects only workers started later. Signals are not trapped yet while
// a worker sleeps here, as for any worker still loading.
import { readFileSync } from 'node:fs';

const slot = process.env.HELIOS_WORKER;
const file = process.env.HELIOS_TEST_SLOW_WORKERS;
if (slot !== undefined && file !== undefined) {
  const delays = JSON.parse(readFileSync(file, 'utf8'));
  const ms = Number(delays[slot] ?? 0);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
