/**
 * The settings of the upstream side that a pool may override: backend timeouts, retries and
 * their budget, the wait queue and the body limits. The top level of helios.yaml holds their
 * defaults (with the schema's defaults); a pool gives only what differs.
 */
import { z } from 'zod';
import { durationSchema } from './duration.js';
import { wholeNumber } from './fields.js';
import { sizeSchema } from './size.js';

export const upstreamTimeoutFields = {
  connect: () => durationSchema({ min: 1, description: 'Connecting to a backend.' }),
  response: () =>
    durationSchema({
      min: 1,
      description: 'Backend response headers must arrive within this, else 504.',
    }),
  upstreamIdle: () =>
    durationSchema({
      min: 0,
      description: 'Idle time between response body chunks; 0 disables (SSE, long polls).',
    }),
};

export const UPSTREAM_TIMEOUT_KEYS = ['connect', 'response', 'upstreamIdle'] as const;

export const retriesSchema = () =>
  wholeNumber(0, 10, 'Retries on another backend when it is safe.');

export const retryBudgetSchema = z
  .strictObject({
    percent: wholeNumber(0, 100, 'Retries may add at most this % of recent requests.').default(20),
    minPerSecond: wholeNumber(0, 10_000, 'Retries per second always allowed.').default(3),
  })
  .describe('Caps retries during an outage (Envoy/Finagle-style budget).');

export const queueSchema = z
  .strictObject({
    maxPending: wholeNumber(
      0,
      1_000_000,
      'Requests that may wait for a busy backend (one at maxConnections); more get 503.',
    ).default(1_024),
    timeout: durationSchema({
      min: 1,
      description: 'Longest wait for a free connection to a busy backend; then 503.',
    }).prefault('10s'),
  })
  .describe('Wait queue in front of each backend that is at maxConnections.');

export const bodyLimitFields = {
  bodyBuffer: () =>
    sizeSchema(
      0,
      'Request bodies up to this size are read whole before a backend is chosen; 0 disables.',
    ),
  maxBodySize: () => sizeSchema(1, 'Largest request body; larger gets 413. Unset: unlimited.'),
};
