/**
 * IPC messages are checked by direction and shape (message-parse.ts): each side acts only on
 * the kinds the other side sends, with their fields of the right types; anything else is
 * dropped. Without this, any object with a string `helios` field used to pass.
 */
import { describe, expect, it } from 'vitest';
import { describeMessage, parseFromWorker, parseToWorker } from '../src/workers/message-parse.js';

const start = {
  helios: 'start',
  worker: 2,
  generation: 3,
  config: '{}',
  logLevel: 'info',
  logFormat: 'json',
  health: [{ backend: 'http://127.0.0.1:9001', source: 'active', healthy: false, reason: 'x' }],
  inFlight: { 'http://127.0.0.1:9001': 1 },
  reportMs: 5,
  admin: true,
  ports: [8443, 8080],
};

describe('messages to a worker', () => {
  it('accepts every kind the primary sends', () => {
    for (const message of [
      start,
      { helios: 'reload', generation: 4, config: '{}' },
      { helios: 'conn', id: 17 },
      { helios: 'conn', id: 18, listener: 1 },
      {
        helios: 'health',
        change: { backend: 'b', source: 'passive', healthy: true, reason: 'r', downForMs: 12 },
      },
      { helios: 'in-flight', others: { b: 0 } },
      { helios: 'report', id: 1 },
      { helios: 'drain' },
    ]) {
      expect(parseToWorker(message)).toEqual(message);
    }
  });

  it('drops what a worker sends, unknown kinds and wrong shapes', () => {
    for (const message of [
      { helios: 'accepted', id: 1 },
      { helios: 'serving', generation: 0 },
      { helios: 'shutdown' },
      { helios: 'conn' },
      { helios: 'conn', id: -1 },
      { helios: 'conn', id: 1.5 },
      { helios: 'conn', id: 2, listener: -1 },
      { helios: 'conn', id: 2, listener: '1' },
      { helios: 'reload', generation: '4', config: '{}' },
      { helios: 'reload', generation: 4 },
      { helios: 'health', change: { backend: 'b', source: 'dns', healthy: true, reason: '' } },
      { helios: 'in-flight', others: { b: -2 } },
      { helios: 'in-flight', others: [1] },
      { ...start, health: [{ backend: 'b' }] },
      { ...start, admin: 'yes' },
      { ...start, ports: ['8443'] },
      { ...start, generation: undefined },
      { helios: 7 },
      ['helios', 'drain'],
      'drain',
      null,
      undefined,
    ]) {
      expect(parseToWorker(message)).toBeUndefined();
    }
  });
});

describe('messages to the primary', () => {
  const report = {
    pid: 42,
    generation: 1,
    metrics: [{ name: 'helios_requests_total' }],
    status: {
      backends: [{ id: 'b', pool: 'default' }],
      pools: [{ name: 'default', backends: ['b'] }],
      totals: {},
      connections: {},
    },
  };

  it('accepts every kind a worker sends', () => {
    for (const message of [
      { helios: 'ready' },
      { helios: 'serving', generation: 0 },
      { helios: 'start-failed', message: 'boom' },
      { helios: 'accepted', id: 3 },
      { helios: 'returned', id: 3 },
      { helios: 'draining' },
      { helios: 'reloaded', generation: 2 },
      { helios: 'reloaded', generation: 2, error: 'no' },
      {
        helios: 'outcomes',
        runs: [
          ['http://b', 200, '', 14],
          ['http://b', 0, 'connect', 1],
        ],
      },
      { helios: 'in-flight', counts: { b: 3 } },
      { helios: 'report', id: 9, report },
    ]) {
      expect(parseFromWorker(message)).toEqual(message);
    }
  });

  it('drops what the primary sends, unknown kinds and wrong shapes', () => {
    for (const message of [
      { helios: 'drain' },
      { helios: 'conn', id: 1 },
      { helios: 'listening', port: 1 },
      { helios: 'accepted' },
      { helios: 'serving' },
      { helios: 'reloaded', generation: 2, error: 5 },
      { helios: 'outcomes', runs: [['http://b', 200, 'dns', 1]] },
      { helios: 'outcomes', runs: [['http://b', 200, '', 0]] },
      { helios: 'outcomes', runs: [['http://b', 200, '']] },
      { helios: 'outcomes', runs: 'many' },
      { helios: 'in-flight', counts: { b: 'three' } },
      { helios: 'report', id: 9, report: { ...report, metrics: 'none' } },
      { helios: 'report', id: 9, report: { ...report, status: { backends: 'all' } } },
      { helios: 'report', id: 9, report: { ...report, metrics: [{ help: 'no name' }] } },
      {
        helios: 'report',
        id: 9,
        report: { ...report, status: { ...report.status, pools: undefined } },
      },
      { NODE_CLUSTER: true, helios: undefined },
      42,
    ]) {
      expect(parseFromWorker(message)).toBeUndefined();
    }
  });

  it('names what it dropped for the debug log', () => {
    expect(describeMessage({ helios: 'shutdown' })).toBe("'shutdown'");
    expect(describeMessage(null)).toBe('null');
    expect(describeMessage([1])).toBe('object');
  });
});
