import { Backend, type PickRequest } from '@helios/core';
import { describe, expect, it } from 'vitest';
import { ConsistentHashStrategy } from '../src/consistent-hash.js';
import { fleet, letter, makeBackends, request } from './helpers.js';

const KEYS = 20_000;
const keyRequests: PickRequest[] = Array.from({ length: KEYS }, (_, i) => ({
  clientAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  header: () => undefined,
}));

function owners(strategy: ConsistentHashStrategy): string[] {
  const out: string[] = [];
  for (let i = 0; i < KEYS; i++) out.push(strategy.pick(keyRequests[i] as PickRequest)?.id ?? '-');
  return out;
}

function backendsOn(ports: number[]): Backend[] {
  return ports.map(
    (port, index) => new Backend({ url: new URL(`http://127.0.0.1:${port}`), weight: 1, index }),
  );
}

describe('consistent-hash (Maglev)', () => {
  it('sends the same key to the same backend every time', () => {
    const ch = new ConsistentHashStrategy();
    ch.update(makeBackends(5));
    const first = letter(ch.pick(request('192.0.2.7')));
    for (let i = 0; i < 20; i++) expect(letter(ch.pick(request('192.0.2.7')))).toBe(first);
  });

  it('spreads many keys evenly (each of 10 backends within 10% of its share)', () => {
    const ch = new ConsistentHashStrategy();
    ch.update(makeBackends(10));
    const tally = new Map<string, number>();
    for (const id of owners(ch)) tally.set(id, (tally.get(id) ?? 0) + 1);
    expect(tally.size).toBe(10);
    for (const n of tally.values()) expect(Math.abs(n - KEYS / 10)).toBeLessThan(KEYS / 100);
  });

  it('remaps about 1/k of keys when one of k backends is removed', () => {
    const ports = Array.from({ length: 10 }, (_, i) => 30_001 + i);
    const ch = new ConsistentHashStrategy();
    ch.update(backendsOn(ports));
    const before = owners(ch);
    const removed = 'http://127.0.0.1:30004';
    ch.update(backendsOn(ports.filter((p) => p !== 30_004)));
    const after = owners(ch);
    let moved = 0;
    let movedFromSurvivors = 0;
    before.forEach((owner, i) => {
      if (owner === after[i]) return;
      moved++;
      if (owner !== removed) movedFromSurvivors++;
    });
    expect(moved / KEYS).toBeGreaterThan(0.08);
    expect(moved / KEYS).toBeLessThan(0.13);
    // Keys of the surviving backends (almost) all stay where they were.
    expect(movedFromSurvivors / KEYS).toBeLessThan(0.02);
  });

  it('remaps about 1/(k+1) of keys when a backend is added', () => {
    const ports = Array.from({ length: 10 }, (_, i) => 30_001 + i);
    const ch = new ConsistentHashStrategy();
    ch.update(backendsOn(ports));
    const before = owners(ch);
    ch.update(backendsOn([...ports, 30_011]));
    const after = owners(ch);
    let moved = 0;
    let movedElsewhere = 0;
    before.forEach((owner, i) => {
      if (owner === after[i]) return;
      moved++;
      if (after[i] !== 'http://127.0.0.1:30011') movedElsewhere++;
    });
    expect(moved / KEYS).toBeGreaterThan(0.07);
    expect(moved / KEYS).toBeLessThan(0.12);
    expect(movedElsewhere / KEYS).toBeLessThan(0.02);
  });

  it('does not depend on the order of backends in the config', () => {
    const ports = [30_001, 30_002, 30_003, 30_004];
    const one = new ConsistentHashStrategy();
    const two = new ConsistentHashStrategy();
    one.update(backendsOn(ports));
    two.update(backendsOn([...ports].reverse()));
    expect(owners(two)).toEqual(owners(one));
  });

  it('moves only the keys of a down backend, spreads them, and takes them back on recovery', () => {
    const all = makeBackends(5);
    const ch = new ConsistentHashStrategy();
    ch.update(all);
    const before = owners(ch);
    const down = all[2];
    down?.markDown('active', 'probe failed');
    const during = owners(ch);
    const receivers = new Set<string>();
    before.forEach((owner, i) => {
      if (owner === down?.id) receivers.add(during[i] ?? '-');
      else expect(during[i]).toBe(owner);
    });
    expect(receivers.has(down?.id ?? '')).toBe(false);
    expect(receivers.size).toBe(4);
    down?.markUp('active', 'probe ok');
    expect(owners(ch)).toEqual(before);
  });

  it('hashes a header or a cookie when configured, and falls back to the client address', () => {
    const all = makeBackends(8);
    const byHeader = new ConsistentHashStrategy({ key: 'header:X-User' });
    byHeader.update(all);
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const seen = new Set<string>();
    for (const user of users) {
      const a = byHeader.pick(request('10.0.0.1', { 'x-user': user }));
      const b = byHeader.pick(request('10.0.0.2', { 'x-user': user }));
      expect(a).toBe(b);
      seen.add(letter(a));
    }
    expect(seen.size).toBe(8);
    const noHeader = byHeader.pick(request('10.9.9.9'));
    expect(byHeader.pick(request('10.9.9.9'))).toBe(noHeader);

    const byCookie = new ConsistentHashStrategy({ key: 'cookie:session' });
    byCookie.update(all);
    for (const user of users) {
      const plain = byCookie.pick(request('10.0.0.1', { cookie: `session=${user}` }));
      const among = byCookie.pick(
        request('10.0.0.2', { cookie: `theme=dark; xsession=nope;  session=${user} ; lang=id` }),
      );
      expect(among).toBe(plain);
    }
    const viaHeader = byHeader.pick(request('10.0.0.1', { 'x-user': 'user-1' }));
    const viaCookie = byCookie.pick(request('10.0.0.1', { cookie: 'session=user-1' }));
    expect(viaCookie).toBe(viaHeader);
  });

  it('honours exclude and returns undefined when none is left', () => {
    const [a, b] = fleet(1, 1);
    const ch = new ConsistentHashStrategy();
    ch.update([a, b]);
    const home = ch.pick(request('192.0.2.1'));
    const other = home === a ? b : a;
    expect(ch.pick(request('192.0.2.1'), home)).toBe(other);
    other.markDown('active', 'down');
    expect(ch.pick(request('192.0.2.1'), home)).toBe(home);
    a.markDown('active', 'down');
    b.markDown('active', 'down');
    expect(ch.pick(request('192.0.2.1'))).toBeUndefined();
    ch.update([]);
    expect(ch.pick(request('192.0.2.1'))).toBeUndefined();
  });
});
