/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area
 * (Helios, undici, node internals, GC...), with Helios dist locations mapped back to the .ts
 * source through the build's source maps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map();

function mapToSource(url, line, column) {
  if (!url.includes('/packages/') || !url.includes('/dist/')) return undefined;
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(
      file,
      existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null,
    );
  }
  const sm = maps.get(file);
  const entry = sm?.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  const src = entry.originalSource
    .replace(/^.*?\/packages\//, 'packages/')
    .replace(/^(\.\.\/)+/, '');
  const pkg = file.match(/packages\/([^/]+)\//)?.[1];
  const rel = src.startsWith('packages/')
    ? src
    : `packages/${pkg}/${src.replace(/^.*?src\//, 'src/')}`;
  return `${rel}:${entry.originalLine + 1}`;
}

function area(url, name) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)') return name;
  if (url.includes('/packages/core/')) return '@helios/core';
  if (url.includes('/packages/strategies/')) return '@helios/strategies';
  if (url.includes('/packages/')) return 'other @helios';
  if (url.includes('/undici/')) return 'undici';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native/builtins';
  return 'other js';
}

export function summariseProfile(file, top = 25) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const where =
      mapToSource(cf.url, cf.lineNumber, cf.columnNumber) ??
      `${cf.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${cf.lineNumber + 1}`;
    const key = `${cf.functionName || '(anonymous)'} ${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const a = area(cf.url, cf.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const idle = areas.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (us) => Math.round((us / busy) * 1000) / 10;
  return {
    file,
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    areas: [...areas]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([a, us]) => ({ area: a, pct: pct(us) })),
    top: [...fns]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}
