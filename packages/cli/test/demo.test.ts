/**
 * `helios demo` as a user runs it: three "Halo dari Server N" backends behind Helios, printed
 * instructions, round-robin answers, and a clean exit 0 on Ctrl-C (SIGINT).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, stopAll } from './support/cli-process.js';

afterEach(stopAll);

describe('helios demo', () => {
  it('balances round-robin over three backends and stops cleanly on SIGINT', async () => {
    const cli = new CliProcess(['demo', '--port', '0', '--log-format', 'json']);
    const url = await cli.waitFor('the demo instructions', () => {
      return /Helios demo: (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout)?.[1];
    });
    expect(cli.stdout).toContain('curl -s');
    expect(cli.stdout).toContain('Ctrl-C');

    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push(await (await fetch(`${url}/`)).text());
    for (const body of bodies) expect(body).toMatch(/^Halo dari Server [123]$/);
    // Round-robin: each backend once in any three consecutive answers, in a repeating order.
    expect(new Set(bodies.slice(0, 3)).size).toBe(3);
    expect(bodies.slice(3)).toEqual(bodies.slice(0, 3));

    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });
});
