/**
 * Parses the helios-test-backends command line into fleet options: global behaviour flags
 * apply to every backend, `--set N:key=value,...` (repeatable) to one backend.
 */

import { parseArgs } from 'node:util';
import { type Behaviour, defaultBehaviour, mergeBehaviour } from './behaviour.js';
import { behaviourFromText } from './behaviour-input.js';
import { TestBackendError } from './errors.js';

export interface CliOptions {
  help: boolean;
  count: number;
  port: number;
  host: string;
  /** Behaviour for every backend. */
  behaviour: Partial<Behaviour>;
  /** Extra behaviour per backend index. */
  perBackend: Map<number, Partial<Behaviour>>;
  log: boolean;
  json: boolean;
}

export const usage = `Usage: helios-test-backends [options]

Starts N fake HTTP backends on loopback that answer "Halo dari Server N" (header X-Backend: N),
serve GET /health, echo WebSockets, and obey behaviour knobs. Stop with Ctrl-C.

Options:
  -c, --count N              number of backends (default 3)
  -p, --port N               port of backend 1; backend N uses port+N-1 (default 0: ephemeral)
      --host ADDR            address to listen on (default 127.0.0.1)
      --latency MS|MIN-MAX   delay every answer, fixed or random in a range (e.g. 50-200)
      --error-rate R         answer this share (0..1) of requests with 500
      --status CODE          answer every request with CODE
      --health-status CODE   status of GET /health (e.g. 503)
      --refuse               do not listen (connections are refused) until told over control
      --reset MODE           before-response | mid-response: destroy the connection
      --hang                 read requests, never answer
      --echo                 answer with a JSON description of the request
      --stream-bytes N       answer with a generated body of N bytes
      --stream-rate BPS      send --stream-bytes at this many bytes per second
      --set N:key=val[,...]  behaviour for backend N only, e.g. --set 2:health-status=503,latency=300
      --log                  print one line per request
      --json                 print the backends as one JSON line instead of a table
  -h, --help                 show this help

Change behaviour while running: curl -X POST URL/__control -d '{"errorRate":0.5}'
Inspect: curl URL/__control    Restore defaults: curl -X POST URL/__control -d '{"restore":true}'
`;

function usageError(message: string): TestBackendError {
  return new TestBackendError('HELIOS_TEST_BACKENDS_INVALID_OPTIONS', message);
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw usageError(`--${flag} expects a whole number ${min}..${max}, got "${text}"`);
  }
  return value;
}

const behaviourFlags = [
  'latency',
  'error-rate',
  'status',
  'health-status',
  'reset',
  'stream-bytes',
  'stream-rate',
] as const;
const behaviourSwitches = ['refuse', 'hang', 'echo'] as const;

function parseSet(text: string, count: number, into: Map<number, Partial<Behaviour>>): void {
  const match = /^(\d+):(.+)$/.exec(text);
  if (!match) {
    throw usageError(`--set expects N:key=value[,key=value], e.g. 2:status=503; got "${text}"`);
  }
  const index = integer('set', match[1] as string, 1, count);
  const where = `--set ${text}`;
  const patch: Partial<Behaviour> = { ...into.get(index) };
  for (const pair of (match[2] as string).split(',')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    Object.assign(patch, behaviourFromText(key.trim(), value.trim(), where));
  }
  into.set(index, patch);
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const count = integer('count', values.count ?? '3', 1, 1000);
  const port = integer('port', values.port ?? '0', 0, 65_535);
  if (port !== 0 && port + count - 1 > 65_535) {
    throw usageError(`--port ${port} with --count ${count} runs past port 65535`);
  }
  const behaviour: Partial<Behaviour> = {};
  for (const flag of behaviourFlags) {
    const text = values[flag];
    if (text !== undefined) Object.assign(behaviour, behaviourFromText(flag, text, `--${flag}`));
  }
  for (const flag of behaviourSwitches) {
    if (values[flag] === true) behaviour[flag] = true;
  }
  const perBackend = new Map<number, Partial<Behaviour>>();
  for (const text of values.set ?? []) parseSet(text, count, perBackend);
  // Validate ranges now so a typo fails before anything listens.
  const global = mergeBehaviour(defaultBehaviour, behaviour, 'command line');
  for (const [index, patch] of perBackend) mergeBehaviour(global, patch, `--set ${index}:...`);
  return {
    help: values.help === true,
    count,
    port,
    host: values.host ?? '127.0.0.1',
    behaviour,
    perBackend,
    log: values.log === true,
    json: values.json === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      count: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
      status: { type: 'string' },
      'health-status': { type: 'string' },
      refuse: { type: 'boolean' },
      reset: { type: 'string' },
      hang: { type: 'boolean' },
      echo: { type: 'boolean' },
      'stream-bytes': { type: 'string' },
      'stream-rate': { type: 'string' },
      set: { type: 'string', multiple: true },
      log: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
}
