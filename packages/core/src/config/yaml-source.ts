/**
 * helios.yaml as a YAML document that remembers where everything was written, so that a
 * problem found later (by the schema, on plain JS values) can be reported at its line and
 * column. Key paths from the schema are walked back through the document's nodes.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { ConfigIssue } from './config-issue.js';

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

/** Parses YAML text; syntax errors come back as issues with their own positions. */
export function parseYaml(
  text: string,
  file: string,
): { source: YamlSource; issues: ConfigIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source: YamlSource = { file, text, doc, lines };
  const issues = doc.errors.map((error): ConfigIssue => {
    const { line, column } = positionAt(source, error.pos[0]);
    // The yaml library appends its own "at line X, column Y" to some messages; ours is in front.
    const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    return { file, line, column, path: '', message: `YAML syntax error: ${message}` };
  });
  return { source, issues };
}

export function positionAt(source: YamlSource, offset: number): Position {
  const { line, col } = source.lines.linePos(offset);
  return { line, column: col };
}

/** Renders a schema path the way people write it: `backends[1].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    // A key with a space or a dot in it would read as two keys: quote it.
    else if (!/^[A-Za-z0-9_-]+$/.test(String(segment)))
      text += `[${JSON.stringify(String(segment))}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

export interface Located {
  /** The node at the deepest segment of the path that exists in the document. */
  node: Node | null;
  /** The key node of the last mapping entry walked through, if any. */
  key: Node | null;
  /** How many path segments exist in the document. */
  depth: number;
}

function keyText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/** Walks `path` through the document as far as it exists. */
export function locate(source: YamlSource, path: readonly PropertyKey[]): Located {
  let node: Node | null = source.doc.contents;
  let key: Node | null = null;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(node)) node = (node.resolve(source.doc) as Node | undefined) ?? node;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      key = pair.key as Node | null;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      node = item;
      key = null;
    } else {
      break;
    }
    depth++;
  }
  return { node, key, depth };
}

/** Where to point for an issue at `path`: the value, or its key when the value is empty. */
export function positionOf(source: YamlSource, located: Located): Position {
  const { node, key } = located;
  // An empty value (`port:`) has a zero-width range after the key; the key is what to show.
  const empty = !node?.range || (isScalar(node) && node.value === null);
  const target = empty && key?.range ? key : node;
  return target?.range ? positionAt(source, target.range[0]) : { line: 1, column: 1 };
}

/** Where the mapping at `located` is named (its key), for keys missing from it. */
export function ownerPosition(source: YamlSource, located: Located): Position {
  return located.key?.range
    ? positionAt(source, located.key.range[0])
    : positionOf(source, located);
}

/** Position of the key `name` inside the mapping at `path` (for unknown keys). */
export function keyPosition(
  source: YamlSource,
  path: readonly PropertyKey[],
  name: string,
): Position | undefined {
  const { node, depth } = locate(source, path);
  if (depth !== path.length) return undefined;
  const map = isAlias(node) ? node.resolve(source.doc) : node;
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => keyText(item.key) === name);
  const keyNode = pair?.key as Node | undefined;
  return keyNode?.range ? positionAt(source, keyNode.range[0]) : undefined;
}
