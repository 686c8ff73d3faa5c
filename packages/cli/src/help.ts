/**
 * The text of `helios --help` and `helios <command> --help`. Kept next to each other so the
 * overview and the per-command pages cannot drift apart.
 */
import type { CommandName } from './args.js';

const exitCodes = `Exit codes:
  0  ok (or a clean shutdown on SIGTERM/SIGINT)
  1  runtime error (port in use, I/O error, crash)
  2  usage or configuration error (nothing was started)`;

const logFlags = `  -l, --log-level LEVEL  trace, debug, info, warn, error, fatal or silent (overrides logging.level)
      --log-format FMT   auto (pretty on a terminal, JSON otherwise), json or pretty`;

const overview = `helios: a layer-7 HTTP reverse proxy and load balancer

Usage:
  helios [start] [--config FILE] [--port N] [--watch]   run the proxy
  helios validate [--config FILE]                       check a config, list every error
  helios init [--config FILE] [--force]                 write a commented starter helios.yaml
  helios demo [--port N]                                three demo backends with Helios in front

Global flags:
  -h, --help             show help (also: helios <command> --help)
  -v, --version          print the version

${exitCodes}

Docs: https://github.com/helios-proxy/helios/blob/main/docs/cli.md`;

const pages: Record<CommandName, string> = {
  start: `Usage: helios [start] [options]

Run the proxy described by a helios.yaml. It logs one line per listener with its address,
strategy and backends.

Options:
  -c, --config FILE      config file (default ./helios.yaml)
  -p, --port N           listen on this port instead of the config's (0 picks a free port)
  -w, --watch            reload when the config or a certificate file changes
      --workers N|auto   worker processes instead of the config's \`workers:\` (auto: one per core)
${logFlags}
  -h, --help             show this help

Signals:
  SIGHUP                 re-read the config; an invalid one is rejected and the old one keeps serving
  SIGTERM, SIGINT        stop accepting, drain in-flight requests, exit 0 (a second one exits at once)

${exitCodes}`,
  validate: `Usage: helios validate [options]

Check a helios.yaml without starting anything. Prints a summary when it is valid; otherwise
every error at once as file:line:column, key, what was found and what is expected.

Options:
  -c, --config FILE      config file (default ./helios.yaml)
  -h, --help             show this help

${exitCodes}`,
  init: `Usage: helios init [options]

Write a commented starter helios.yaml. Refuses to overwrite an existing file.

Options:
  -c, --config FILE      where to write it (default ./helios.yaml)
  -f, --force            overwrite an existing file
  -h, --help             show this help

${exitCodes}`,
  demo: `Usage: helios demo [options]

Start three fake backends that answer "Halo dari Server N" and Helios in front of them on
127.0.0.1, print how to watch the balancing, and stop cleanly on Ctrl-C.

Options:
  -p, --port N           port for Helios (default 8080, 0 picks a free port)
${logFlags}
  -h, --help             show this help

${exitCodes}`,
};

export function helpText(topic: CommandName | undefined): string {
  return topic === undefined ? overview : pages[topic];
}
