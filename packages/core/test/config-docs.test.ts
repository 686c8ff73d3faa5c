import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { parseConfig } from '../src/config/parse.js';

const docsFile = new URL('../../../docs/configuration.md', import.meta.url);

/** The fenced block that follows `marker` in the docs. */
async function blockAfter(marker: string): Promise<string> {
  const markdown = await readFile(docsFile, 'utf8');
  const after = markdown.slice(markdown.indexOf(marker));
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(after);
  if (!match?.[1]) throw new Error(`no code block after ${marker}`);
  return match[1];
}

describe('docs/configuration.md stays true', () => {
  it('the full example is a valid config', async () => {
    const config = parseConfig(await blockAfter('## A full example'), 'example.yaml', {
      HELIOS_ADMIN_TOKEN: 'secret',
    });
    expect(config.strategy).toEqual({
      name: 'consistent-hash',
      options: { key: 'cookie:session' },
    });
    expect(config.limits.maxBodySize).toBe(10 * 1024 * 1024);
    expect(config.health.active.expectedStatuses).toEqual([{ from: 200, to: 299 }]);
  });

  it('the error example: ConfigError.message is the lines the docs show, under its heading', async () => {
    const text = await blockAfter('For example, this file:');
    const shown = await blockAfter('makes `helios validate` print this');
    // The docs show the CLI's output: the issue lines, then the CLI's own count line.
    const lines = shown.trimEnd().split('\n');
    expect(lines.pop()).toBe('helios.yaml: 5 errors; not valid.');
    let message = '';
    try {
      parseConfig(text, 'helios.yaml', {});
    } catch (error) {
      if (error instanceof ConfigError) message = error.message;
    }
    expect(message).toBe(`Invalid Helios config helios.yaml (5 problems):\n${lines.join('\n')}`);
  });
});
