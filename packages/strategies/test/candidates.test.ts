/**
 * The one candidate rule every strategy applies: never a backend that is down, the excluded one
 * only as the last resort, nothing only when nothing is available.
 */
import { describe, expect, it } from 'vitest';
import { candidateAt, countCandidates, isCandidate, lastResort } from '../src/candidates.js';
import { fleet } from './helpers.js';

describe('the candidate rule', () => {
  it('takes available backends other than the excluded one', () => {
    const [a, b, c] = fleet(1, 1, 1);
    b.markDown('active', 'test');
    expect([a, b, c, undefined].map((x) => isCandidate(x, a.id))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(isCandidate(a, undefined)).toBe(true);
  });

  it('falls back to the excluded backend only while it is in the list and available', () => {
    const [a, b] = fleet(1, 1);
    expect(lastResort([a, b], a)).toBe(a);
    expect(lastResort([a, b], undefined)).toBeUndefined();
    expect(lastResort([b], a)).toBeUndefined();
    a.markDown('passive', 'test');
    expect(lastResort([a, b], a)).toBeUndefined();
  });

  it('counts and ranks the candidates, for a uniform draw among them', () => {
    const list = fleet(1, 1, 1, 1, 1);
    list[1]?.markDown('active', 'test');
    list[3]?.markDown('active', 'test');
    const excludeId = list[4]?.id;
    expect(countCandidates(list, excludeId)).toBe(2);
    expect([0, 1, 2].map((rank) => candidateAt(list, excludeId, rank))).toEqual([0, 2, -1]);
    for (const backend of list) backend.markDown('active', 'test');
    expect(countCandidates(list, undefined)).toBe(0);
    expect(candidateAt(list, undefined, 0)).toBe(-1);
    expect(countCandidates([], undefined)).toBe(0);
  });
});
