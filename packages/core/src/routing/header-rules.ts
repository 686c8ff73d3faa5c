/**
 * A route's header rewrites, compiled once per config: remove, then set (which also removes any
 * earlier value of the name), then add. They apply to a flat `[name, value, ...]` list, the
 * shape both header passes produce, after Helios' own rules; values may hold placeholders.
 */
import { compileTemplate, type PlaceholderSource, type Template } from './placeholders.js';

export interface HeaderRulesConfig {
  set?: Record<string, string> | undefined;
  add?: Record<string, string> | undefined;
  remove?: readonly string[] | undefined;
}

export class HeaderRules {
  /** Lower-case names to drop: `remove` and the names `set` replaces. */
  readonly #drop: ReadonlySet<string>;
  readonly #set: readonly (readonly [string, Template])[];
  readonly #add: readonly (readonly [string, Template])[];

  constructor(config: HeaderRulesConfig) {
    const compile = (values: Record<string, string> | undefined) =>
      Object.entries(values ?? {}).map(([name, value]) => {
        const result = compileTemplate(value);
        // The schema validated every template; a failure here is a config built without it.
        if (!result.ok) throw new Error(`header ${name}: ${result.problem}`);
        return [name.toLowerCase(), result.template] as const;
      });
    this.#set = compile(config.set);
    this.#add = compile(config.add);
    this.#drop = new Set([
      ...(config.remove ?? []).map((n) => n.toLowerCase()),
      ...this.#set.map(([name]) => name),
    ]);
  }

  /** Rewrites `headers` in place. */
  apply(headers: string[], source: PlaceholderSource): void {
    if (this.#drop.size > 0) {
      let w = 0;
      for (let r = 0; r < headers.length; r += 2) {
        const name = headers[r] as string;
        if (this.#drop.has(name.toLowerCase())) continue;
        headers[w] = name;
        headers[w + 1] = headers[r + 1] as string;
        w += 2;
      }
      headers.length = w;
    }
    for (const [name, template] of this.#set) headers.push(name, template.render(source));
    for (const [name, template] of this.#add) headers.push(name, template.render(source));
  }
}
