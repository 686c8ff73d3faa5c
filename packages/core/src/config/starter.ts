/**
 * The commented starter helios.yaml that `helios init` writes. It is a real config (a test
 * parses it), shows the common keys with their defaults, and points editors at the schema.
 */
import { SCHEMA_URL } from './json-schema.js';

/** Where every key is documented; absolute, since the file is read far from the repository. */
export const CONFIGURATION_DOCS_URL =
  'https://github.com/helios-proxy/helios/blob/main/docs/configuration.md';

export const starterConfig = `# yaml-language-server: $schema=${SCHEMA_URL}
#
# Helios configuration. Every key and its default is documented at
# ${CONFIGURATION_DOCS_URL}
# Durations: milliseconds (1500) or with a unit: 500ms, 10s, 2m, 1h.
# Values may use environment variables: \${VAR} or \${VAR:-default}.

# Where Helios listens.
port: 8080
host: 0.0.0.0

# The servers behind Helios: a URL, or a mapping with url and options.
backends:
  - http://127.0.0.1:9001
  - http://127.0.0.1:9002
  - url: http://127.0.0.1:9003
    weight: 1              # share of traffic for weighted strategies
    maxConnections: 128    # keep-alive connections Helios may open to it

# round-robin, weighted-round-robin, least-connections, random, power-of-two,
# ewma, consistent-hash (or a mapping: { name: consistent-hash, key: header:x-user }).
strategy: round-robin

health:
  passive:                 # eject a backend that fails real requests
    failureStatuses: 5xx
    failureThreshold: 1
    cooldown: 30s
  active:                  # probe each backend in the background
    path: /health
    interval: 10s
    timeout: 2s
  slowStart: off           # e.g. 30s: a returning backend ramps up over 30 seconds

timeouts:
  connect: 5s
  response: 30s            # no response headers within this: 504
  drain: 30s               # graceful shutdown waits this long for in-flight requests

retries: 1                 # on another backend, only when it is safe

logging:
  level: info              # trace, debug, info, warn, error, fatal, silent

accessLog: false           # true: one line per request on stdout

# Metrics, status API and dashboard (off unless set):
# admin:
#   port: 9090
#   token: \${HELIOS_ADMIN_TOKEN}

workers: 1                 # or auto: one process per core
`;
