/**
 * docs/errors.md is the one list of error codes: every `HELIOS_...` code any package's source
 * uses is in it, it lists no code that no longer exists, and the status it gives each answer
 * is the status Helios sends.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorInfo, ProxyErrorCode } from '../src/error-codes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Codes written as string literals in packages/*\/src (environment variables are not). */
async function codesInSource(): Promise<Set<string>> {
  const codes = new Set<string>();
  const packages = await readdir(join(root, 'packages'));
  for (const name of packages) {
    const src = join(root, 'packages', name, 'src');
    const files = await sourceFiles(src).catch(() => []);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/['"`](HELIOS_[A-Z_]+)['"`]/g)) codes.add(m[1] as string);
    }
  }
  return codes;
}

const doc = await readFile(join(root, 'docs/errors.md'), 'utf8');
const documented = new Set([...doc.matchAll(/`(HELIOS_[A-Z_]+)`/g)].map((m) => m[1] as string));

describe('docs/errors.md', () => {
  it('lists every code the source uses, and none it does not', async () => {
    const used = await codesInSource();
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !used.has(c)).sort()).toEqual([]);
  });

  it('gives each answer the status Helios sends', () => {
    for (const code of Object.values(ProxyErrorCode)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      const status = row?.split('|')[2]?.trim();
      const real = errorInfo(code).status;
      // Two codes have no status on the wire: the connection is cut, or the client left.
      if (code === ProxyErrorCode.upstreamBodyBroken) expect(status).toBe('(cut)');
      else if (code === ProxyErrorCode.clientAborted) expect(status).toBe('(none)');
      else expect(`${code} ${status}`).toBe(`${code} ${real}`);
    }
  });
});
