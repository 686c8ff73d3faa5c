/**
 * `{host}`-style placeholders in redirect targets and header values, filled per request. They
 * are compiled once per config into literal and variable parts, so a request only concatenates.
 * They are not `${VAR}`: that is environment substitution, done once when the file is read.
 * `{{` and `}}` write literal braces.
 */

/** What a placeholder can read from a request. */
export interface PlaceholderSource {
  /** Host without the port, as the client sent it. */
  readonly hostName: string;
  /** Path without the query. */
  readonly pathOnly: string;
  /** `?a=1` or ''. */
  readonly queryPart: string;
  /** Path and query (origin form). */
  readonly uri: string;
  readonly scheme: string;
  readonly clientAddress: string;
  readonly id: string;
}

export const PLACEHOLDERS = [
  'host',
  'path',
  'query',
  'uri',
  'scheme',
  'client_ip',
  'request_id',
] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

function read(source: PlaceholderSource, name: PlaceholderName): string {
  switch (name) {
    case 'host':
      return source.hostName;
    case 'path':
      return source.pathOnly;
    case 'query':
      return source.queryPart;
    case 'uri':
      return source.uri;
    case 'scheme':
      return source.scheme;
    case 'client_ip':
      return source.clientAddress;
    case 'request_id':
      return source.id;
  }
}

/** A compiled template: literal strings at even positions, placeholder names at odd ones. */
export class Template {
  readonly #parts: readonly string[];
  /** No placeholders: the value is `#parts[0]`. */
  readonly constant: boolean;

  constructor(parts: readonly string[]) {
    this.#parts = parts;
    this.constant = parts.length === 1;
  }

  render(source: PlaceholderSource): string {
    const parts = this.#parts;
    let out = parts[0] as string;
    for (let i = 1; i < parts.length; i += 2) {
      out += read(source, parts[i] as PlaceholderName) + (parts[i + 1] as string);
    }
    return out;
  }
}

export type TemplateResult = { ok: true; template: Template } | { ok: false; problem: string };

/** Compiles `text`; an unknown placeholder or a stray brace is a config error. */
export function compileTemplate(text: string): TemplateResult {
  const parts: string[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') {
      literal += '{';
      i++;
    } else if (c === '}' && text[i + 1] === '}') {
      literal += '}';
      i++;
    } else if (c === '{') {
      const close = text.indexOf('}', i);
      const name = close === -1 ? '' : text.slice(i + 1, close);
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        return {
          ok: false,
          problem:
            close === -1
              ? `an unclosed "{" at position ${i + 1} (write "{{" for a literal brace)`
              : `unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`,
        };
      }
      parts.push(literal, name);
      literal = '';
      i = close;
    } else if (c === '}') {
      return {
        ok: false,
        problem: `a stray "}" at position ${i + 1} (write "}}" for a literal brace)`,
      };
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  return { ok: true, template: new Template(parts) };
}
