// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
/**
 * `${VAR}` references in helios.yaml values, replaced from the environment before validation.
 * `${VAR:-fallback}` uses the fallback when VAR is unset or empty; `$${` writes a literal `${`.
 * An unquoted value is re-typed after substitution the way YAML would type it had it been
 * written inline (`port: ${PORT}` becomes a number); a quoted value always stays a string.
 */
import { isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { ConfigIssue } from './config-issue.js';
import { formatPath, positionAt, type YamlSource } from './yaml-source.js';

export type Env = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\$\{|\$\{([^{}]*)\}|\$\{/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const NUMBER = /^[-+]?(?:\d+|\d*\.\d+)(?:[eE][-+]?\d+)?$/;

interface Substitution {
  value: string;
  changed: boolean;
  problems: { index: number; text: string; message: string; expected: string }[];
}

/** Replaces references in one string; problems carry their index for a precise column. */
export function substituteEnv(text: string, env: Env): Substitution {
  const problems: Substitution['problems'] = [];
  let changed = false;
  const value = text.replace(
    REFERENCE,
    (match: string, inner: string | undefined, index: number) => {
      changed = true;
      if (match === '$${') return '${';
      if (inner === undefined) {
        problems.push({
          index,
          text: match,
          message:
            'unclosed `${`: a variable reference looks like ${NAME} (write $${ for a literal ${)',
          expected: '${NAME} or ${NAME:-default}',
        });
        return match;
      }
      const parsed = INNER.exec(inner.trim());
      if (parsed === null) {
        problems.push({
          index,
          text: match,
          message: `\`${match}\` is not a variable reference; use \${NAME} or \${NAME:-default} with NAME made of letters, digits and _`,
          expected: '${NAME} or ${NAME:-default}',
        });
        return match;
      }
      const name = parsed[1] ?? '';
      const fallback = parsed[2];
      const set = env[name];
      if (set !== undefined && (set !== '' || fallback === undefined)) return set;
      if (fallback !== undefined) return fallback;
      problems.push({
        index,
        text: match,
        message: `environment variable ${name} is not set; set it, or give a default with \${${name}:-value}`,
        expected: `a value for ${name}`,
      });
      return match;
    },
  );
  return { value, changed, problems };
}

function retype(text: string): string | number | boolean {
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/**
 * Substitutes every string value in the document in place (keys are left alone) and returns
 * one issue per unresolved reference, positioned at the reference itself.
 */
export function applyEnv(source: YamlSource, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const text = source.text;
  const visit = (node: Node | null, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        visit(pair.value as Node | null, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item as Node | null, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === 'string') {
      const result = substituteEnv(node.value, env);
      if (!result.changed) return;
      for (const problem of result.problems) {
        const start = node.range?.[0] ?? 0;
        const raw = text.slice(start, node.range?.[1] ?? start);
        const at = raw.indexOf(problem.text);
        const { line, column } = positionAt(source, start + Math.max(at, 0));
        issues.push({
          file: source.file,
          line,
          column,
          path: formatPath(path),
          message: problem.message,
          expected: problem.expected,
          found: problem.text,
        });
      }
      node.value = node.type === Scalar.PLAIN ? retype(result.value) : result.value;
    }
  };
  visit(source.doc.contents, []);
  return issues;
}
