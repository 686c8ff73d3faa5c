/** Per-backend counters, mutated by the server and exposed as read-only snapshots. */

export interface BackendStats {
  /** Requests received, excluding `GET /health` and `/__control`. */
  requests: number;
  /** Requests (including health checks) whose response has not finished yet. */
  inFlight: number;
  /** Open TCP connections, upgraded WebSockets included. */
  connections: number;
  /** Connections accepted since start (or the last `resetStats()`). */
  totalConnections: number;
  /** `GET /health` requests received. */
  healthChecks: number;
  /** WebSocket upgrades completed. */
  upgrades: number;
  /** Request body bytes read (live, so an upload in progress can be watched). */
  bytesIn: number;
}

export class StatsCounters implements BackendStats {
  requests = 0;
  inFlight = 0;
  connections = 0;
  totalConnections = 0;
  healthChecks = 0;
  upgrades = 0;
  bytesIn = 0;

  /** Zeroes the cumulative counters; gauges (inFlight, connections) reflect live state. */
  clear(): void {
    this.requests = 0;
    this.totalConnections = 0;
    this.healthChecks = 0;
    this.upgrades = 0;
    this.bytesIn = 0;
  }

  snapshot(): BackendStats {
    return {
      requests: this.requests,
      inFlight: this.inFlight,
      connections: this.connections,
      totalConnections: this.totalConnections,
      healthChecks: this.healthChecks,
      upgrades: this.upgrades,
      bytesIn: this.bytesIn,
    };
  }
}
