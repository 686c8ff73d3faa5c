/**
 * Through a real Helios and real backends: least-connections with weights 1, 1, 2 and one
 * request at a time gives the backends 3, 3 and 6 of 12 requests, as nginx's least_conn does,
 * instead of sending all 12 to the weight-2 backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { load, type Rig, startRig } from './e2e-helpers.js';

describe('least-connections shares at low load follow the weights', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('weights 1, 1, 2 at concurrency 1: 3, 3 and 6 of 12 requests', async () => {
    rig = await startRig('least-connections', {}, [1, 1, 2]);
    const tally = await load(rig.origin, 12, 1);
    expect(tally).toEqual({ '1': 3, '2': 3, '3': 6 });
  });

  it('weights 1, 1, 2 at concurrency 1 over a longer run: exactly 1:1:2', async () => {
    rig = await startRig('least-connections', {}, [1, 1, 2]);
    const tally = await load(rig.origin, 200, 1);
    expect(tally).toEqual({ '1': 50, '2': 50, '3': 100 });
  });
});
