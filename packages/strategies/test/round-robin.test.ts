import { describe, expect, it } from 'vitest';
import { RoundRobinStrategy } from '../src/round-robin.js';
import { fleet, makeBackends, picks } from './helpers.js';

describe('round-robin', () => {
  it('rotates strictly over the backends', () => {
    const rr = new RoundRobinStrategy();
    rr.update(makeBackends(3));
    expect(picks(rr, 9)).toBe('abcabcabc');
  });

  it('gives each of k backends exactly N/k of N requests', () => {
    const rr = new RoundRobinStrategy();
    rr.update(makeBackends(7));
    const seq = picks(rr, 7 * 1000);
    for (const l of 'abcdefg') expect(seq.split(l).length - 1).toBe(1000);
  });

  it('skips backends that health checking removed and takes them back without a burst', () => {
    const rr = new RoundRobinStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    rr.update([a, b, c]);
    expect(picks(rr, 1)).toBe('a');
    b.markDown('active', 'probe failed');
    expect(picks(rr, 4)).toBe('caca');
    b.markUp('active', 'probe ok');
    expect(picks(rr, 6)).toBe('bcabca');
  });

  it('returns undefined when no backend is available', () => {
    const rr = new RoundRobinStrategy();
    expect(picks(rr, 1)).toBe('-');
    const all = makeBackends(2);
    rr.update(all);
    for (const b of all) b.markDown('passive', '5xx');
    expect(picks(rr, 2)).toBe('--');
  });

  it('never returns the excluded backend unless it is the only one left', () => {
    const rr = new RoundRobinStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    rr.update([a, b, c]);
    expect(picks(rr, 4, a)).toBe('bcbc');
    b.markDown('active', 'down');
    c.markDown('active', 'down');
    expect(picks(rr, 2, a)).toBe('aa');
    a.markDown('passive', 'reset');
    expect(picks(rr, 1, a)).toBe('-');
  });

  it('carries on the rotation across a reload that adds or removes backends', () => {
    const rr = new RoundRobinStrategy();
    const [a, b, c, d] = fleet(1, 1, 1, 1);
    rr.update([a, b, c]);
    expect(picks(rr, 2)).toBe('ab');
    // c was due next; removing a must not restart the rotation or repeat b.
    rr.update([b, c]);
    expect(picks(rr, 3)).toBe('cbc');
    rr.update([b, c, d]);
    expect(picks(rr, 4)).toBe('bcdb');
    // The backend that was due disappears: continue at the same position.
    rr.update([b, d]);
    expect(picks(rr, 3)).toBe('dbd');
  });
});
