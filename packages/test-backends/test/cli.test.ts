import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send } from './support.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run "pnpm --filter @helios/test-backends build" first`);
  }
});

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args]);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitForOutput(running: Running, marker: string): Promise<string> {
  const until = Date.now() + 10_000;
  while (!running.stdout().includes(marker)) {
    if (Date.now() > until || running.child.exitCode !== null) {
      throw new Error(`no "${marker}" in output:\n${running.stdout()}\n${running.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return running.stdout();
}

function tableUrls(output: string): Map<number, string> {
  const urls = new Map<number, string>();
  for (const match of output.matchAll(/^\s*(\d+)\s+(http:\/\/127\.0\.0\.1:\d+)\s/gm)) {
    urls.set(Number(match[1]), match[2] as string);
  }
  return urls;
}

describe('helios-test-backends CLI', () => {
  it('prints a table of URLs, serves them, and exits cleanly on SIGINT', async () => {
    const running = run(['--count', '2', '--port', '0']);
    const output = await waitForOutput(running, 'Press Ctrl-C to stop.');
    const urls = tableUrls(output);
    expect([...urls.keys()]).toEqual([1, 2]);
    for (const [index, url] of urls) {
      const reply = await send(url);
      expect(reply.body.toString()).toBe(`Halo dari Server ${index}`);
      expect(reply.headers['x-backend']).toBe(String(index));
    }
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
    expect(running.stderr()).toContain('SIGINT');
    const after = await send(urls.get(1) as string).then(
      () => 'answered',
      () => 'gone',
    );
    expect(after).toBe('gone');
  });

  it('applies global flags and --set per backend, and stops on SIGTERM', async () => {
    const running = run([
      '-c',
      '2',
      '--status',
      '503',
      '--set',
      '2:health-status=503,status=none',
      '--log',
    ]);
    const urls = tableUrls(await waitForOutput(running, 'Press Ctrl-C to stop.'));
    expect(running.stdout()).toMatch(/2\s+http:\S+\s+healthStatus=503/);
    expect((await send(urls.get(1) as string)).status).toBe(503);
    expect((await send(urls.get(2) as string)).status).toBe(200);
    expect((await send(`${urls.get(2)}/health`)).status).toBe(503);
    await waitForOutput(running, '#2 GET /health 503');
    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
  });

  it('--json prints one machine-readable line', async () => {
    const running = run(['--count', '1', '--json']);
    const output = await waitForOutput(running, '\n');
    const parsed = JSON.parse(output.trim()) as { backends: { index: number; url: string }[] };
    expect(parsed.backends[0]?.index).toBe(1);
    expect((await send(parsed.backends[0]?.url as string)).status).toBe(200);
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
  });

  it('exits 2 with a message naming the bad flag', async () => {
    const running = run(['--count', 'three']);
    expect(await running.exit).toBe(2);
    expect(running.stderr()).toContain('--count expects a whole number');
    const unknown = run(['--latnecy', '5']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toContain("'--latnecy'");
    const range = run(['--error-rate', '3']);
    expect(await range.exit).toBe(2);
    expect(range.stderr()).toContain('errorRate must be a share between 0 and 1');
  });

  it('--help prints usage and exits 0', async () => {
    const running = run(['--help']);
    expect(await running.exit).toBe(0);
    expect(running.stdout()).toContain('Usage: helios-test-backends');
  });
});
