import { afterEach, describe, expect, it } from 'vitest';
import { get, type Rig, startRig } from './e2e-helpers.js';

describe('round-robin through Helios', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('cycles answers through the three backends in order', async () => {
    rig = await startRig('round-robin');
    const bodies: string[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await get(rig.origin);
      expect(answer.status).toBe(200);
      bodies.push(answer.body.trim());
    }
    const cycle = ['Halo dari Server 1', 'Halo dari Server 2', 'Halo dari Server 3'];
    expect(bodies).toEqual([...cycle, ...cycle, ...cycle]);
  });
});
