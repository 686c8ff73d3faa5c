/**
 * What `require()` of the Helios packages from CommonJS does on the Node running this suite, as
 * docs/node-versions.md promises: the packages are ESM only, so it works where Node loads ES
 * modules from require() by default (20.19+, 22.12+, 23+) and fails with ERR_REQUIRE_ESM before
 * that, where `await import()` is the way. CI runs this on every Node of its matrix.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const packages = [
  '@helios/core',
  '@helios/strategies',
  '@helios/health',
  '@helios/admin',
  '@helios/cli',
  '@helios/test-backends',
];

/** Does this Node load ES modules from require() without a flag? */
function requiresEsmByDefault(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 20) return minor >= 19;
  if (major === 22) return minor >= 12;
  return major >= 23;
}

const script = `
const results = {};
for (const name of ${JSON.stringify(packages)}) {
  try { results[name] = typeof require(name) === 'object' ? 'ok' : 'odd'; }
  catch (error) { results[name] = error.code ?? String(error); }
}
Promise.all(${JSON.stringify(packages)}.map((name) => import(name))).then(
  (loaded) => { results.import = loaded.every((m) => typeof m === 'object') ? 'ok' : 'odd'; },
  (error) => { results.import = error.code ?? String(error); },
).then(() => process.stdout.write(JSON.stringify(results)));
`;

describe(`require() from CommonJS on Node ${process.version}`, () => {
  it('knows which Node versions load ES modules from require()', () => {
    expect(
      ['v20.18.1', 'v20.19.0', 'v22.11.0', 'v22.12.0', 'v24.0.0'].map(requiresEsmByDefault),
    ).toEqual([false, true, false, true, true]);
  });

  it('behaves as documented for every package; import() always works', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', script], {
      cwd: here,
    });
    const results = JSON.parse(stdout) as Record<string, string>;
    const expected = requiresEsmByDefault(process.version) ? 'ok' : 'ERR_REQUIRE_ESM';
    for (const name of packages)
      expect({ name, result: results[name] }).toEqual({ name, result: expected });
    expect(results.import).toBe('ok');
  });
});
