/**
 * Checks every IPC message by direction and shape before anything acts on it: a worker accepts
 * only what a primary sends, the primary only what a worker sends, and each kind must carry its
 * fields with the right types. Anything else is `undefined` (the receiver ignores it and logs it
 * at debug). Hand-written rather than a schema library: `conn` and `accepted` arrive once per
 * client connection, and these checks cost a few property reads.
 */
import type { HealthTransition } from '@helios/health';
import type {
  FromWorker,
  InFlightCounts,
  OutcomeRun,
  StartMessage,
  ToWorker,
  WorkerReport,
} from './messages.js';

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number from 0 up (ids, counts, generations, pids). */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isHealthTransition(value: unknown): value is HealthTransition {
  return (
    isRecord(value) &&
    isString(value.backend) &&
    (value.source === 'active' || value.source === 'passive') &&
    typeof value.healthy === 'boolean' &&
    isString(value.reason) &&
    (value.downForMs === undefined ||
      (typeof value.downForMs === 'number' && Number.isFinite(value.downForMs)))
  );
}

function isInFlightCounts(value: unknown): value is InFlightCounts {
  if (!isRecord(value)) return false;
  for (const key in value) if (!isCount(value[key])) return false;
  return true;
}

function isOutcomeRun(value: unknown): value is OutcomeRun {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    isString(value[0]) &&
    isCount(value[1]) &&
    (value[2] === '' || value[2] === 'connect' || value[2] === 'timeout' || value[2] === 'reset') &&
    isCount(value[3]) &&
    value[3] > 0
  );
}

function isStart(m: Fields): boolean {
  return (
    isCount(m.worker) &&
    isCount(m.generation) &&
    isString(m.config) &&
    isString(m.logLevel) &&
    isString(m.logFormat) &&
    (m.logLevelOverride === undefined || isString(m.logLevelOverride)) &&
    Array.isArray(m.health) &&
    m.health.every(isHealthTransition) &&
    isInFlightCounts(m.inFlight) &&
    isCount(m.reportMs) &&
    typeof m.admin === 'boolean' &&
    Array.isArray(m.ports) &&
    m.ports.every(isCount)
  );
}

function isMetric(value: unknown): boolean {
  return isRecord(value) && typeof value.name === 'string';
}

function isWorkerReport(value: unknown): value is WorkerReport {
  if (!isRecord(value) || !isCount(value.pid) || !isCount(value.generation)) return false;
  if (!Array.isArray(value.metrics) || !value.metrics.every(isMetric)) return false;
  const status = value.status;
  return (
    isRecord(status) &&
    Array.isArray(status.backends) &&
    status.backends.every(isRecord) &&
    Array.isArray(status.pools) &&
    status.pools.every(isRecord) &&
    isRecord(status.totals) &&
    isRecord(status.connections)
  );
}

/** A message the primary sent to this worker, or undefined. */
export function parseToWorker(message: unknown): ToWorker | undefined {
  if (!isRecord(message)) return undefined;
  const m = message;
  switch (m.helios) {
    case 'conn':
      return isCount(m.id) && (m.listener === undefined || isCount(m.listener))
        ? (m as ToWorker)
        : undefined;
    case 'report':
      return isCount(m.id) ? (m as ToWorker) : undefined;
    case 'start':
      return isStart(m) ? (m as unknown as StartMessage) : undefined;
    case 'reload':
      return isCount(m.generation) && isString(m.config) ? (m as ToWorker) : undefined;
    case 'health':
      return isHealthTransition(m.change) ? (m as ToWorker) : undefined;
    case 'in-flight':
      return isInFlightCounts(m.others) ? (m as ToWorker) : undefined;
    case 'drain':
      return m as ToWorker;
    default:
      return undefined;
  }
}

/** A message a worker sent to the primary, or undefined. */
export function parseFromWorker(message: unknown): FromWorker | undefined {
  if (!isRecord(message)) return undefined;
  const m = message;
  switch (m.helios) {
    case 'accepted':
    case 'returned':
      return isCount(m.id) ? (m as FromWorker) : undefined;
    case 'ready':
    case 'draining':
      return m as FromWorker;
    case 'serving':
      return isCount(m.generation) ? (m as FromWorker) : undefined;
    case 'start-failed':
      return isString(m.message) ? (m as FromWorker) : undefined;
    case 'reloaded':
      return isCount(m.generation) && (m.error === undefined || isString(m.error))
        ? (m as FromWorker)
        : undefined;
    case 'outcomes':
      return Array.isArray(m.runs) && m.runs.every(isOutcomeRun) ? (m as FromWorker) : undefined;
    case 'in-flight':
      return isInFlightCounts(m.counts) ? (m as FromWorker) : undefined;
    case 'report':
      return isCount(m.id) && isWorkerReport(m.report) ? (m as FromWorker) : undefined;
    default:
      return undefined;
  }
}

/** For the debug line about an ignored message: its tag, or its type. */
export function describeMessage(message: unknown): string {
  if (isRecord(message) && isString(message.helios)) return `'${message.helios}'`;
  return message === null ? 'null' : typeof message;
}
