/** Placeholders in redirect targets and header values: compiled once, filled per request. */
import { describe, expect, it } from 'vitest';
import { compileTemplate, type PlaceholderSource } from '../src/routing/placeholders.js';

const source: PlaceholderSource = {
  hostName: 'shop.example',
  pathOnly: '/old/page',
  queryPart: '?a=1&b=2',
  uri: '/old/page?a=1&b=2',
  scheme: 'http',
  clientAddress: '203.0.113.9',
  id: 'abc-1',
};

function render(text: string): string {
  const result = compileTemplate(text);
  if (!result.ok) throw new Error(result.problem);
  return result.template.render(source);
}

describe('placeholders', () => {
  it('fills every placeholder', () => {
    expect(render('https://{host}/new{query}')).toBe('https://shop.example/new?a=1&b=2');
    expect(render('{scheme}://{host}{uri}')).toBe('http://shop.example/old/page?a=1&b=2');
    expect(render('{path}|{client_ip}|{request_id}')).toBe('/old/page|203.0.113.9|abc-1');
  });

  it('keeps literal text and escaped braces, and knows a constant', () => {
    expect(render('plain')).toBe('plain');
    expect(render('{{literal}} {host}')).toBe('{literal} shop.example');
    const c = compileTemplate('no placeholders');
    expect(c.ok && c.template.constant).toBe(true);
  });

  it('refuses unknown placeholders and stray braces, saying which', () => {
    const unknown = compileTemplate('https://{hots}/');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.problem).toMatch(/unknown placeholder \{hots\}.*\{host\}/);
    expect(compileTemplate('a{host').ok).toBe(false);
    expect(compileTemplate('a}b').ok).toBe(false);
    // ${VAR} is environment substitution, done before: an unreplaced one is not a placeholder.
    expect(compileTemplate(`$${'{'}HOME}`).ok).toBe(false);
  });
});
