/**
 * The admin listener of a cluster, in the primary: the ordinary admin server (routes, auth,
 * dashboard) over the primary's backend objects (global health and in-flight) and health
 * events, answering with the workers' traffic added in through its `reports` hook. The primary
 * serves no requests itself, so its own counters stay empty.
 */
import type { AddressInfo } from 'node:net';
import { type AdminHealthEvents, type AdminServer, createAdminServer } from '@helios/admin';
import type { AdminConfig, Backend, Logger } from '@helios/core';
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
  const { backends } = sources;
  const noop = () => undefined;
  return createAdminServer({
    config: sources.config,
    proxy: {
      get backends() {
        return backends();
      },
      activeConnections: 0,
      address: sources.listener,
      on: noop,
      off: noop,
    },
    health: sources.health,
    logger: sources.logger,
    info: { version: cliVersion(), strategy: sources.strategy },
    reports: clusterReports({ collect: sources.collect, generation: sources.generation }),
  });
}
