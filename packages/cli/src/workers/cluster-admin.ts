/**
 * The admin listener of a cluster, in the primary: the ordinary admin server (routes, auth,
 * dashboard) fed by the primary's backend objects (global health and in-flight) and by
 * reports gathered from the workers (traffic), through its `reports` hook.
 */
import type { AddressInfo } from 'node:net';
import type { AdminConfig, Backend, Logger } from '@helios/core';
import {
  type AdminHealthEvents,
  type AdminServer,
  createAdminServer,
  type HealthTransition,
} from '../admin/index.js';
import { buildStatusReport } from '../admin/status-report.js';
import { currentSecond, TrafficRecorder } from '../admin/traffic-recorder.js';
import { TransitionLog } from '../admin/transition-log.js';
import { cliVersion } from '../version.js';
import { clusterReports } from './cluster-reports.js';
import type { WorkerReport } from './messages.js';

export interface ClusterAdminSources {
  config: AdminConfig;
  logger: Logger;
  /** Every health change of the cluster (the primary's probes and relayed ejections). */
  health: AdminHealthEvents;
  backends(): readonly Backend[];
  strategy(): string;
  /** The config generation the primary runs. */
  generation(): number;
  listener(): AddressInfo | null;
  collect(): Promise<WorkerReport[]>;
}

export function createClusterAdmin(sources: ClusterAdminSources): AdminServer {
  const { backends, strategy, listener } = sources;
  const version = cliVersion();
  const transitions = new TransitionLog();
  sources.health.on('transition', (t: HealthTransition) => transitions.add(t));
  // The primary serves no requests: its own recorder stays empty, workers' reports fill in.
  const traffic = new TrafficRecorder();
  const startedSecond = currentSecond();
  const startedAt = Date.now();
  const noop = () => undefined;
  return createAdminServer({
    config: sources.config,
    proxy: {
      get backends() {
        return backends();
      },
      activeConnections: 0,
      address: listener,
      on: noop,
      off: noop,
    },
    health: sources.health,
    logger: sources.logger,
    info: { version, strategy },
    reports: clusterReports({
      collect: sources.collect,
      generation: sources.generation,
      baseStatus: () =>
        buildStatusReport({
          traffic,
          version,
          startedSecond,
          startedAt,
          backends,
          strategy,
          listener,
          activeConnections: () => 0,
          upgradedConnections: () => 0,
          transitions: () => transitions.recent(),
        }),
    }),
  });
}
