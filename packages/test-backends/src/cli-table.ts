/** Renders the CLI's start-up table and request log lines. */

import { type Behaviour, behaviourKeys, defaultBehaviour } from './behaviour.js';
import type { RequestEndEvent } from './host.js';

/** Only the knobs that differ from the defaults, e.g. "healthStatus=503 latency=50-200". */
export function describeBehaviour(b: Readonly<Behaviour>): string {
  const parts: string[] = [];
  for (const key of behaviourKeys) {
    const value = b[key];
    const fallback = defaultBehaviour[key];
    if (Array.isArray(value)) parts.push(`${key}=${value[0]}-${value[1]}`);
    else if (value !== fallback) parts.push(`${key}=${String(value)}`);
  }
  return parts.length === 0 ? 'default' : parts.join(' ');
}

export interface TableRow {
  index: number;
  url: string;
  behaviour: Readonly<Behaviour>;
}

export function renderTable(rows: readonly TableRow[]): string {
  const urlWidth = Math.max(3, ...rows.map((r) => r.url.length));
  const lines = [`  #  ${'URL'.padEnd(urlWidth)}  BEHAVIOUR`];
  for (const row of rows) {
    const n = String(row.index).padStart(3);
    lines.push(`${n}  ${row.url.padEnd(urlWidth)}  ${describeBehaviour(row.behaviour)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderRequestLine(event: RequestEndEvent): string {
  const status = event.status === 0 ? '---' : String(event.status);
  const note = event.completed ? '' : ' (not completed)';
  return `#${event.backend} ${event.method} ${event.url} ${status} ${event.durationMs.toFixed(1)}ms${note}\n`;
}
