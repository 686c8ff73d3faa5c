/**
 * A route as the data path uses it: conditions ready for the route table, the action (a pool, a
 * redirect or a fixed answer) with everything it needs prepared (templates compiled, bodies
 * encoded, the pool's runtime resolved), built once per config generation.
 */
import type { RouteConfig } from '../config/route-schema.js';
import { HeaderRules } from './header-rules.js';
import { parseHostPattern } from './host-pattern.js';
import { compileTemplate, type Template } from './placeholders.js';
import { normalizePrefix } from './route-path.js';
import type { RouteConditions } from './route-table.js';

export interface Redirect {
  readonly to: Template;
  readonly status: number;
}

export interface FixedAnswer {
  readonly status: number;
  readonly body: Buffer;
  /** Flat `[name, value, ...]`, with Content-Type defaulted to text/plain when absent. */
  readonly headers: readonly string[];
}

export interface CompiledRoute<P> {
  readonly index: number;
  /** `name`, or `#<index>` in file order: what metrics and logs call it. */
  readonly label: string;
  readonly conditions: RouteConditions;
  /** The route's pool, resolved for this generation; `undefined` for redirects and answers. */
  readonly pool: P | undefined;
  /** The normalized prefix to strip from the forwarded path, when `stripPrefix` is on. */
  readonly stripPrefix: string | undefined;
  readonly requestHeaders: HeaderRules | undefined;
  readonly responseHeaders: HeaderRules | undefined;
  readonly redirect: Redirect | undefined;
  readonly answer: FixedAnswer | undefined;
  /** The route has no condition at all: it matches everything. */
  readonly catchAll: boolean;
  /** A condition reads the path (dot segments must then be refused; see route-path.ts). */
  readonly readsPath: boolean;
}

function template(text: string): Template {
  const result = compileTemplate(text);
  if (!result.ok) throw new Error(result.problem);
  return result.template;
}

export function compileRoute<P>(
  route: RouteConfig,
  index: number,
  poolFor: (name: string) => P | undefined,
): CompiledRoute<P> {
  const m = route.match;
  const conditions: RouteConditions = {
    hosts: m?.host?.map(parseHostPattern),
    path: m?.path,
    pathPrefix: m?.pathPrefix === undefined ? undefined : normalizePrefix(m.pathPrefix),
    pathRegex: m?.pathRegex === undefined ? undefined : new RegExp(m.pathRegex),
    methods: m?.methods === undefined ? undefined : new Set(m.methods),
    headers: m?.headers === undefined ? undefined : Object.entries(m.headers),
    query: m?.query === undefined ? undefined : Object.entries(m.query),
  };
  const answer = route.respond;
  let fixed: FixedAnswer | undefined;
  if (answer !== undefined) {
    const headers: string[] = [];
    let typed = false;
    for (const [name, value] of Object.entries(answer.headers)) {
      headers.push(name, value);
      if (name === 'content-type') typed = true;
    }
    if (!typed) headers.push('content-type', 'text/plain; charset=utf-8');
    fixed = { status: answer.status, body: Buffer.from(answer.body, 'utf8'), headers };
  }
  return {
    index,
    label: route.name ?? `#${index}`,
    conditions,
    pool: route.pool === undefined ? undefined : poolFor(route.pool),
    stripPrefix: route.stripPrefix ? conditions.pathPrefix : undefined,
    requestHeaders:
      route.requestHeaders === undefined ? undefined : new HeaderRules(route.requestHeaders),
    responseHeaders:
      route.responseHeaders === undefined ? undefined : new HeaderRules(route.responseHeaders),
    redirect:
      route.redirect === undefined
        ? undefined
        : { to: template(route.redirect.to), status: route.redirect.status },
    answer: fixed,
    catchAll: Object.values(conditions).every((c) => c === undefined),
    readsPath:
      conditions.path !== undefined ||
      conditions.pathPrefix !== undefined ||
      conditions.pathRegex !== undefined,
  };
}
