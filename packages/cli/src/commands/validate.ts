/**
 * `helios validate`: check a config without starting anything. Valid: a short summary on stdout,
 * exit 0. Invalid: every issue at once on stderr, exit 2.
 */
import { formatDuration, type HeliosConfig } from '@helios/core';
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

export function summarize(path: string, config: HeliosConfig): string {
  const backends = config.backends
    .map((b) => `    ${b.url.origin}${b.weight === 1 ? '' : ` (weight ${b.weight})`}`)
    .join('\n');
  const t = config.timeouts;
  const lines = [
    `${path} is valid.`,
    `  listener    ${config.host}:${config.port}`,
    `  strategy    ${config.strategy.name}`,
    `  backends    ${config.backends.length}`,
    backends,
    `  health      ${healthLine(config)}`,
    `  timeouts    connect ${formatDuration(t.connect)}, response ${formatDuration(t.response)}, drain ${formatDuration(t.drain)}`,
    `  retries     ${config.retries}`,
    `  access log  ${config.accessLog.enabled ? config.accessLog.output : 'off'}`,
    `  admin       ${config.admin === undefined ? 'off' : `${config.admin.host}:${config.admin.port}`}`,
  ];
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
  process.stdout.write(summarize(invocation.config, result.config));
  return ExitCode.ok;
}
