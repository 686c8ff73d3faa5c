/**
 * `routes:` in helios.yaml: tried in file order, the first match wins. A route matches on any of
 * host (exact or `*.suffix`, or a list), path (exact, segment-aware prefix, or regex), methods,
 * headers and query parameters, and then either sends the request to a pool (optionally
 * stripping the matched prefix and rewriting headers), redirects, or answers by itself. A route
 * with no `match` matches everything. Patterns, regexes and placeholders are checked here, so a
 * mistake is a config error with a position, never a surprise at request time.
 */
import { z } from 'zod';
import { HOST_PATTERN } from '../routing/host-pattern.js';
import { compileTemplate } from '../routing/placeholders.js';

const NAME_EXPECTED = 'a name of letters, digits, `-` and `_` (e.g. api, web-v2)';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** Pool and route names: they become metric labels, so keep them short and plain. */
export const nameSchema = z
  .string({ error: NAME_EXPECTED })
  .regex(NAME_PATTERN, { error: NAME_EXPECTED })
  // `none` is the metric label of requests no route or pool took.
  .refine((name) => name !== 'none', { error: `${NAME_EXPECTED}, other than \`none\`` });

const HOST_EXPECTED = 'a host name such as api.example.com, or *.example.com for any subdomain';
const hostPatternSchema = z
  .string({ error: HOST_EXPECTED })
  .regex(HOST_PATTERN, { error: HOST_EXPECTED });

const PATH_EXPECTED = 'a path starting with / (e.g. /v1)';
const pathSchema = z
  .string({ error: PATH_EXPECTED })
  .regex(/^\/[^\s?#]*$/, { error: PATH_EXPECTED });

const REGEX_EXPECTED = 'a regular expression (JavaScript syntax) matched against the path';
const regexSchema = z.string({ error: REGEX_EXPECTED }).superRefine((text, ctx) => {
  try {
    new RegExp(text);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: REGEX_EXPECTED,
      input: text,
      params: { problem: `not a valid regular expression (${(error as Error).message})` },
    });
  }
});

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const METHOD_EXPECTED = 'an HTTP method such as GET or POST';
const methodSchema = z
  .string({ error: METHOD_EXPECTED })
  .regex(TOKEN, { error: METHOD_EXPECTED })
  .transform((m) => m.toUpperCase());

const HEADER_EXPECTED = 'a header name (letters, digits and -)';
const headerNameSchema = z
  .string({ error: HEADER_EXPECTED })
  .regex(TOKEN, { error: HEADER_EXPECTED })
  .transform((n) => n.toLowerCase());

/** A header or query value to compare with (a number written unquoted still compares as text). */
const valueSchema = z
  .preprocess(
    (v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string({ error: 'a value to compare with' }),
  )
  .describe('Exact value (text; an unquoted number or boolean counts as its text).');

const matchSchema = z
  .strictObject({
    host: z
      .union([hostPatternSchema, z.array(hostPatternSchema).min(1)])
      .transform((h) => (Array.isArray(h) ? h : [h]))
      .optional()
      .describe('Host name, `*.example.com` (any subdomain, not the apex), or a list.'),
    path: pathSchema.optional().describe('Exact path.'),
    pathPrefix: pathSchema
      .optional()
      .describe('Path prefix, by whole segments: /v1 matches /v1 and /v1/x, not /v10.'),
    pathRegex: regexSchema.optional().describe('Regular expression the path must match.'),
    methods: z
      .array(methodSchema, { error: 'a list of HTTP methods' })
      .min(1)
      .optional()
      .describe('Methods, e.g. [GET, POST].'),
    headers: z
      .record(headerNameSchema, valueSchema)
      .optional()
      .describe('Headers that must have exactly these values.'),
    query: z
      .record(z.string().min(1), valueSchema)
      .optional()
      .describe('Query parameters that must have exactly these values.'),
  })
  .superRefine((match, ctx) => {
    const given = (['path', 'pathPrefix', 'pathRegex'] as const).filter(
      (k) => match[k] !== undefined,
    );
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] as string],
        message: 'one path condition per route: path, pathPrefix or pathRegex',
        input: match[given[1] as 'path'],
      });
    }
  })
  .describe('What a request must look like; every condition given must hold.');

/** A header value with placeholders, validated when the file is read. */
const templateSchema = (what: string) =>
  z.string({ error: what }).superRefine((text, ctx) => {
    const result = compileTemplate(text);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: what,
        input: text,
        params: { problem: result.problem },
      });
    }
  });

/** Headers that frame the message or the connection: rules may not touch them. */
const FRAMING = new Set([
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'te',
  'upgrade',
  'trailer',
  'proxy-connection',
]);

const ruleNameSchema = headerNameSchema.refine((name) => !FRAMING.has(name), {
  error:
    'a header name other than Connection, Content-Length, Transfer-Encoding and other framing headers',
});

const headerValues = z
  .record(ruleNameSchema, templateSchema('a header value (placeholders such as {host} allowed)'))
  .optional();

const headerRulesSchema = z
  .strictObject({
    set: headerValues.describe('Replace (or add) these headers.'),
    add: headerValues.describe('Append these headers, keeping any already present.'),
    remove: z.array(ruleNameSchema).optional().describe('Remove these headers.'),
  })
  .describe('Header rewrites: remove, then set, then add.');

const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;

const redirectSchema = z
  .strictObject({
    to: templateSchema('a URL or path, with placeholders such as https://{host}{uri}').describe(
      'Where to; placeholders {host} {path} {query} {uri} {scheme} {client_ip} {request_id}.',
    ),
    status: z
      .union(
        REDIRECT_STATUSES.map((s) => z.literal(s)),
        { error: 'one of 301, 302, 303, 307, 308' },
      )
      .default(308)
      .describe('Redirect status (308 keeps the method and body).'),
  })
  .describe('Answer with a redirect.');

const respondSchema = z
  .strictObject({
    status: z
      .number({ error: 'a status from 200 to 599' })
      .int({ error: 'a status from 200 to 599' })
      .min(200, { error: 'a status from 200 to 599' })
      .max(599, { error: 'a status from 200 to 599' })
      .describe('Status of the answer.'),
    body: z.string({ error: 'text' }).default('').describe('Body of the answer.'),
    headers: z
      .record(ruleNameSchema, z.string({ error: 'a header value' }))
      .default({})
      .describe('Headers of the answer.'),
  })
  .describe('Answer directly, without a backend.');

export const routeSchema = z
  .strictObject({
    name: nameSchema.optional().describe('Label for metrics and logs (default: the route index).'),
    match: matchSchema.optional(),
    pool: nameSchema.optional().describe('Send matching requests to this pool.'),
    stripPrefix: z
      .boolean({ error: 'true or false' })
      .default(false)
      .describe('Forward /v1/users as /users when matched by pathPrefix /v1 (query kept).'),
    requestHeaders: headerRulesSchema.optional(),
    responseHeaders: headerRulesSchema.optional(),
    redirect: redirectSchema.optional(),
    respond: respondSchema.optional(),
  })
  .superRefine((route, ctx) => {
    const actions = (['pool', 'redirect', 'respond'] as const).filter(
      (k) => route[k] !== undefined,
    );
    if (actions.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: actions.length > 1 ? [actions[1] as string] : [],
        message: 'exactly one of pool, redirect or respond',
        input: actions.length > 1 ? route[actions[1] as 'pool'] : undefined,
      });
    }
    if (route.stripPrefix && route.match?.pathPrefix === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['stripPrefix'],
        message: 'stripPrefix only with match.pathPrefix (the prefix it removes)',
        input: route.stripPrefix,
      });
    }
  })
  .describe('A route: match conditions, then pool, redirect or respond.');

export type RouteConfig = z.output<typeof routeSchema>;
