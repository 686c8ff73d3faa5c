/**
 * `helios validate`: check a config without starting anything. Valid: a short summary on stdout,
 * exit 0. Invalid: every issue at once on stderr, exit 2.
 */
import {
  type ConfigIssue,
  formatConfigIssue,
  formatDuration,
  type HeliosConfig,
  type PoolConfig,
  type RouteConfig,
} from '@helios/core';
import type { Invocation } from '../args.js';
import { readConfig } from '../config-source.js';
import { ExitCode } from '../exit-codes.js';

type ValidateInvocation = Extract<Invocation, { command: 'validate' }>;

function healthLine(config: HeliosConfig): string {
  const { active, passive } = config.health;
  const parts: string[] = [];
  parts.push(
    active.enabled
      ? `active GET ${active.path} every ${formatDuration(active.interval)}`
      : 'active off',
  );
  parts.push(passive.enabled ? 'passive on' : 'passive off');
  if (config.health.slowStart > 0)
    parts.push(`slow start ${formatDuration(config.health.slowStart)}`);
  return parts.join(', ');
}

function backendLines(backends: PoolConfig['backends'], indent: string): string {
  return backends
    .map((b) => `${indent}${b.url.origin}${b.weight === 1 ? '' : ` (weight ${b.weight})`}`)
    .join('\n');
}

/** One route in a line: what it matches, and what it does. */
export function describeRoute(route: RouteConfig): string {
  const m = route.match;
  const conditions: string[] = [];
  if (m?.host !== undefined) conditions.push(`host ${m.host.join('|')}`);
  if (m?.path !== undefined) conditions.push(`path ${m.path}`);
  if (m?.pathPrefix !== undefined) conditions.push(`prefix ${m.pathPrefix}`);
  if (m?.pathRegex !== undefined) conditions.push(`regex ${m.pathRegex}`);
  if (m?.methods !== undefined) conditions.push(m.methods.join('|'));
  for (const [name, value] of Object.entries(m?.headers ?? {}))
    conditions.push(`${name}: ${value}`);
  for (const [name, value] of Object.entries(m?.query ?? {})) conditions.push(`?${name}=${value}`);
  const what =
    route.redirect !== undefined
      ? `redirect ${route.redirect.status} ${route.redirect.to}`
      : route.respond !== undefined
        ? `respond ${route.respond.status}`
        : `${route.pool ?? '?'}${route.stripPrefix ? ' (strip prefix)' : ''}`;
  return `${conditions.length === 0 ? 'everything' : conditions.join(', ')} → ${what}`;
}

/** One line per listener: address, and TLS (certificate names, floor, mTLS) or redirect. */
function listenerLines(config: HeliosConfig): string[] {
  return config.listeners.map((listener, index) => {
    const label = index === 0 ? '  listener    ' : '              ';
    let what = '';
    if (listener.redirectToHttps) what = ' → redirects to https';
    const tls = listener.tls;
    if (tls !== undefined) {
      const names = tls.material?.certificates.map((c) => c.names.join('|')) ?? [];
      const auth =
        tls.clientAuth === undefined
          ? ''
          : `, client certificates ${tls.clientAuth.required ? 'required' : 'optional'}`;
      what = ` TLS ${tls.minVersion}+ (${names.join(', ')})${auth}`;
    }
    return `${label}${listener.host}:${listener.port}${what}`;
  });
}

/** A name in a column 10 wide, and at least one space after it. */
const column = (name: string): string => (name.length < 10 ? name.padEnd(10) : `${name} `);

/** The listener, pools and routes of a config with `pools`/`routes`. */
function poolLines(config: HeliosConfig): string[] {
  const pools = Object.values(config.pools);
  const lines = [`  pools       ${pools.length}`];
  for (const pool of pools) {
    const n = pool.backends.length;
    lines.push(`    ${column(pool.name)}${pool.strategy.name}, ${n} backend${n === 1 ? '' : 's'}`);
    lines.push(backendLines(pool.backends, '      '));
  }
  lines.push(`  routes      ${config.routes.length}`);
  config.routes.forEach((route, index) => {
    lines.push(`    ${column(route.name ?? `#${index}`)}${describeRoute(route)}`);
  });
  return lines;
}

/** How each pool with `https://` backends dials them: one line per pool. */
function backendTlsLines(config: HeliosConfig): string[] {
  const lines: string[] = [];
  for (const pool of Object.values(config.pools)) {
    if (!pool.backends.some((b) => b.url.protocol === 'https:')) continue;
    const tls = pool.upstreamTls;
    const parts = [tls.ca === undefined ? 'public CAs' : `ca ${tls.ca.file}`];
    if (tls.servername !== undefined) parts.push(`name ${tls.servername}`);
    if (!tls.rejectUnauthorized) parts.push('NOT VERIFIED (rejectUnauthorized: false)');
    if (tls.cert !== undefined) parts.push(`client cert ${tls.cert.file}`);
    parts.push(pool.upstreamHttp2 ? 'h2 or HTTP/1.1' : 'HTTP/1.1');
    lines.push(`  backend TLS ${column(pool.name)}${parts.join(', ')}`);
  }
  return lines;
}

export function summarize(
  path: string,
  config: HeliosConfig,
  warnings: readonly ConfigIssue[] = [],
): string {
  const t = config.timeouts;
  const simple =
    config.backends !== undefined &&
    config.pools.default !== undefined &&
    Object.keys(config.pools).length === 1 &&
    config.routes.length === 1 &&
    config.routes[0]?.match === undefined;
  const only = config.pools.default;
  const shape =
    simple && only !== undefined
      ? [
          `  strategy    ${only.strategy.name}`,
          `  backends    ${only.backends.length}`,
          backendLines(only.backends, '    '),
        ]
      : poolLines(config);
  const lines = [
    `${path} is valid.`,
    ...listenerLines(config),
    ...shape,
    ...backendTlsLines(config),
    `  health      ${healthLine(config)}`,
    `  timeouts    connect ${formatDuration(t.connect)}, response ${formatDuration(t.response)}, drain ${formatDuration(t.drain)}`,
    `  retries     ${config.retries}`,
    `  access log  ${config.accessLog.enabled ? config.accessLog.output : 'off'}`,
    `  admin       ${config.admin === undefined ? 'off' : `${config.admin.host}:${config.admin.port}`}`,
  ];
  for (const warning of warnings) lines.push(`warning: ${formatConfigIssue(warning)}`);
  return `${lines.join('\n')}\n`;
}

export async function validateCommand(invocation: ValidateInvocation): Promise<ExitCode> {
  const result = await readConfig(invocation.config);
  if (!result.ok) {
    const count = result.issueCount;
    process.stderr.write(
      `${result.report}\n${invocation.config}: ${count} error${count === 1 ? '' : 's'}; not valid.\n`,
    );
    return ExitCode.usage;
  }
  process.stdout.write(summarize(invocation.config, result.config, result.warnings));
  return ExitCode.ok;
}
