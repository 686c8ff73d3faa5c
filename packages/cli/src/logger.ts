/**
 * The CLI's structured logger: pino, human-readable through pino-pretty when stdout is a
 * terminal, one JSON object per line otherwise. pino-pretty runs in-process (no transport
 * worker thread) so the same code works from the single-file build.
 *
 * It also owns the one stream other stdout writers (the access log) must share: two independent
 * asynchronous writers on fd 1 could interleave half-written lines when the pipe is full.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogFormat, LogLevelName } from './args.js';

export type CliLogger = Logger;

/** A line-oriented writer on stdout (a SonicBoom stream). */
export type StdoutStream = ReturnType<typeof pino.destination>;

export interface LoggerHandle {
  logger: CliLogger;
  /** Where other stdout lines go so they never tear log lines (and vice versa). */
  stdout: StdoutStream;
  /** Write out whatever is buffered; call before the process exits. */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevelName;
  format: LogFormat;
}

const prettyHidden = [
  'pid',
  'hostname',
  'name',
  'address',
  'port',
  'strategy',
  'backends',
  'backend',
  'source',
  'healthy',
  'reason',
  'available',
  'downForMs',
  'signal',
  'trigger',
  'generation',
  'issues',
  'file',
].join(',');

export function usePretty(format: LogFormat): boolean {
  return format === 'auto' ? process.stdout.isTTY === true : format === 'pretty';
}

/** The stdout streams that carry a JSON process log (the access log's `auto` follows them). */
const jsonStreams = new WeakSet<StdoutStream>();

/** Does the process log on `stream` write JSON lines (rather than pretty text)? */
export function isJsonLogStream(stream: StdoutStream): boolean {
  return jsonStreams.has(stream);
}

function flushQuietly(stream: StdoutStream): void {
  try {
    stream.flushSync();
  } catch {
    // Nothing written yet, or stdout already closed: nothing left to save.
  }
}

export function createLogger(options: LoggerOptions): LoggerHandle {
  const base = { level: options.level, name: 'helios', base: { pid: process.pid } };
  if (usePretty(options.format)) {
    // A person is reading: synchronous writes, so the pretty logger and the access log (both
    // synchronous here) can never interleave within a line.
    const pretty = PinoPretty({
      destination: 1,
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      // Fields the messages already spell out; JSON output keeps all of them for machines.
      ignore: prettyHidden,
      sync: true,
    });
    const stdout = pino.destination({ dest: 1, sync: true });
    return { logger: pino(base, pretty), stdout, flush: () => flushQuietly(stdout) };
  }
  const stdout = pino.destination({ dest: 1, sync: false });
  jsonStreams.add(stdout);
  return {
    logger: pino(base, stdout as DestinationStream),
    stdout,
    flush: () => flushQuietly(stdout),
  };
}
