/**
 * The fake backends a CLI test file shares: started once for the file and closed after it,
 * reset to their default behaviour after each test. After each test, too, every `helios`
 * process the test started is killed and its temp folders are removed.
 */
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterAll, afterEach } from 'vitest';
import { stopAll } from './cli-process.js';
import { removeTempDirs } from './temp-dir.js';

/** Call once at the top of a test file: `const fleet = await sharedFleet(3);` */
export async function sharedFleet(count: number): Promise<Fleet> {
  const fleet = await startBackends({ count });
  afterAll(async () => {
    await fleet.close();
  });
  afterEach(async () => {
    stopAll();
    await fleet.reset();
    await removeTempDirs();
  });
  return fleet;
}
