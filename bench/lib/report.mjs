/** Markdown for the terminal, bench/results/latest.md and docs/benchmarks.md. */
import { THROUGHPUT_SCENARIOS } from './args.mjs';
import { LIMIT_MIB } from './memory.mjs';
import { TARGETS } from './targets.mjs';

const f0 = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');

function bestNodePeer(rows) {
  return rows
    .filter((r) => !r.error && TARGETS[r.target].kind === 'node-peer')
    .sort((a, b) => b.rps - a.rps)[0];
}

/** Helios vs the faster Node peer: the issue-3 target (≥ 1.5x req/s, p99 no worse than either). */
export function heliosVerdict(rows) {
  const h = rows.find((r) => r.target === 'helios' && !r.error);
  const best = bestNodePeer(rows);
  if (!h || !best) return undefined;
  const peers = rows.filter((r) => !r.error && TARGETS[r.target].kind === 'node-peer');
  const ratio = h.rps / best.rps;
  const medianPeer = Math.max(...peers.map((p) => p.medianRps ?? 0));
  const medianRatio = h.medianRps && medianPeer ? h.medianRps / medianPeer : undefined;
  const worstPeerP99 = Math.min(...peers.map((p) => p.p99Ms));
  const cheapest = Math.min(...peers.map((p) => p.cpuUsPerRequest ?? Number.POSITIVE_INFINITY));
  return {
    ratio,
    medianRatio,
    cpuRatio:
      Number.isFinite(cheapest) && h.cpuUsPerRequest ? cheapest / h.cpuUsPerRequest : undefined,
    bestPeer: best.target,
    p99Ok: h.p99Ms <= worstPeerP99,
    pass: ratio >= 1.5 && h.p99Ms <= worstPeerP99,
  };
}

function throughputTable(scenario, rows) {
  const best = bestNodePeer(rows);
  const rounds = rows.find((r) => r.roundsRps)?.roundsRps.length;
  const lines = [
    `### ${THROUGHPUT_SCENARIOS[scenario].label}`,
    '',
    rounds
      ? `Best of ${rounds} interleaved rounds per target (all columns from that round); median: the median of the rounds' req/s.`
      : 'One round per target.',
    '',
    `| Target | req/s |${rounds ? ' median req/s |' : ''} vs faster Node peer | p50 ms | p99 ms | peak RSS MiB | proxy CPU | CPU µs/req | errors / non-2xx |`,
    `|---|---:|${rounds ? '---:|' : ''}---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const r of rows) {
    const label = TARGETS[r.target].label;
    if (r.error) {
      lines.push(
        `| ${label} | – |${rounds ? ' – |' : ''} – | – | – | – | – | – | ${r.error.replace(/\|/g, '/')} |`,
      );
      continue;
    }
    const cpu = Number.isFinite(r.proxyCpuPct)
      ? `${f0(r.proxyCpuPct)}%${r.foreignCpuPct > 5 ? ` (+${f0(r.foreignCpuPct)}% other)` : ''}`
      : '–';
    const vs = best ? `${(r.rps / best.rps).toFixed(2)}x` : '–';
    lines.push(
      `| ${label} | ${f0(r.rps)} |${rounds ? ` ${f0(r.medianRps)} |` : ''} ${vs} | ${f2(r.p50Ms)} | ${f2(r.p99Ms)} | ${r.peakRssMiB ? f0(r.peakRssMiB) : '–'} | ${cpu} | ${f0(r.cpuUsPerRequest)} | ${r.errors} / ${r.non2xx} |`,
    );
  }
  const v = heliosVerdict(rows);
  if (v && scenario !== 'small') {
    lines.push(
      '',
      `Helios: ${v.ratio.toFixed(2)}x the faster Node peer (${v.bestPeer})${v.medianRatio ? ` (medians: ${v.medianRatio.toFixed(2)}x)` : ''}.${v.cpuRatio ? ` CPU per request: ${v.cpuRatio.toFixed(2)}x less than the cheaper Node peer.` : ''}`,
    );
  } else if (v) {
    lines.push(
      '',
      `Helios: **${v.ratio.toFixed(2)}x** the faster Node peer (${v.bestPeer})${v.medianRatio ? ` (medians: ${v.medianRatio.toFixed(2)}x)` : ''}; target 1.5x with p99 no worse than either peer: **${v.pass ? 'met' : 'not met'}**${v.p99Ok ? '' : ' (p99 worse)'}.${v.cpuRatio ? ` CPU per request: ${v.cpuRatio.toFixed(2)}x less than the cheaper Node peer.` : ''}`,
    );
  }
  return lines.join('\n');
}

function memoryTable(rows) {
  const lines = [
    `### Memory: large transfers through each proxy (limit: growth < ${LIMIT_MIB} MiB)`,
    '',
    '| Target | direction | size | MiB/s | baseline RSS MiB | peak RSS MiB | growth MiB | result |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const label = TARGETS[r.target].label;
    if (r.error) {
      lines.push(
        `| ${label} | ${r.direction} | – | – | – | – | – | ${r.error.replace(/\|/g, '/')} |`,
      );
      continue;
    }
    const result = r.pass ? 'pass' : r.complete ? 'over limit' : `incomplete (status ${r.status})`;
    lines.push(
      `| ${label} | ${r.direction} | ${f0(r.bytes / 2 ** 20)} MiB | ${f0(r.mibPerSec)} | ${f1(r.baselineMiB)} | ${f1(r.peakMiB)} | ${f1(r.growthMiB)} | ${result} |`,
    );
  }
  return lines.join('\n');
}

function metricsTable(m) {
  const n = m.rounds.filter((r) => !r.admin).length;
  const lines = [
    '### Metrics on/off (Helios, small responses)',
    '',
    `Admin/metrics listener: ${m.adminState}. ${n} alternating off/on rounds; medians (best round in brackets).`,
    '',
    '| Helios | req/s | p99 ms |',
    '|---|---:|---:|',
    `| metrics off | ${f0(m.offRps)} (${f0(m.offBestRps)}) | ${f2(m.offP99Ms)} |`,
    `| metrics on | ${f0(m.onRps)} (${f0(m.onBestRps)}) | ${f2(m.onP99Ms)} |`,
    '',
    m.adminActive
      ? `Cost of metrics: **${f1(m.deltaPct)}%** requests/s by medians, ${f1(((m.offBestRps - m.onBestRps) / m.offBestRps) * 100)}% by best rounds (target < 5%: ${Math.abs(m.deltaPct) < 5 ? 'met' : 'not met'}).`
      : 'The admin server was not available, so "on" ran without it: this row is a placeholder (hook: bench/servers/helios.mjs startAdmin).',
  ];
  return lines.join('\n');
}

function routesTable(r) {
  const n = r.rounds.length / Math.max(1, r.sizes.length);
  const lines = [
    '### Route table size (Helios, small responses)',
    '',
    `${n} interleaved round(s) per size; medians (best round in brackets). 0: top-level \`backends\`, no route lookup; N: N routes, the request matching only the last (bench/servers/helios.mjs \`routeTable\`).`,
    '',
    '| routes | req/s | p99 ms | vs first |',
    '|---:|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${s.routes} | ${f0(s.rps)} (${f0(s.bestRps)}) | ${f2(s.p99Ms)} | ${s === r.sizes[0] ? '–' : `${f1(-s.deltaPct)}%`} |`,
    ),
  ];
  return lines.join('\n');
}

/** TLS termination: per protocol, each target with its ratio to nginx and to the Node peer. */
function tlsTable(t) {
  const lines = [
    '### TLS termination (small response, same certificate: ECDSA P-256)',
    '',
    'HTTP/1.1: wrk over https, one request in flight per connection. HTTP/2: h2load, the same number of requests in flight as 8 streams per session (it reports mean request time, not percentiles). Each target keeps its best round.',
    '',
    '| Protocol | Target | req/s | vs nginx | vs Node peer | p99 ms | mean ms | peak RSS MiB | CPU µs/req | errors / non-2xx |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const protocol of ['h1', 'h2']) {
    const rows = t.rows.filter((r) => r.protocol === protocol);
    const nginx = rows.find((r) => r.target === 'nginx' && !r.error);
    const peer = rows.find((r) => r.target === 'fastify' && !r.error);
    for (const r of rows) {
      const label = `${protocol === 'h1' ? 'HTTP/1.1' : 'HTTP/2'} | ${TARGETS[r.target].label}`;
      if (r.error) {
        lines.push(`| ${label} | – | – | – | – | – | – | – | ${r.error.replace(/\|/g, '/')} |`);
        continue;
      }
      const ratio = (other) => (other ? `${(r.rps / other.rps).toFixed(2)}x` : '–');
      lines.push(
        `| ${label} | ${f0(r.rps)} | ${ratio(nginx)} | ${ratio(peer)} | ${f2(r.p99Ms)} | ${f2(r.meanMs)} | ${r.peakRssMiB ? f0(r.peakRssMiB) : '–'} | ${f0(r.cpuUsPerRequest)} | ${r.errors} / ${r.non2xx} |`,
      );
    }
  }
  return lines.join('\n');
}

function scalingTable(rows) {
  const cell = (r) => (!r ? '–' : r.error ? 'error' : `${f0(r.rps)} (p99 ${f2(r.p99Ms)})`);
  const ratio = (a, b) => (a && b && !a.error && !b.error ? `${(a.rps / b.rps).toFixed(2)}` : '–');
  const lines = [
    '### Scaling: small responses, same core budget per proxy',
    '',
    '| workers / cores | setup | Helios req/s (p99 ms) | nginx req/s (p99 ms) | HAProxy req/s (p99 ms) | Helios / nginx | Helios / HAProxy |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const r = row.results;
    lines.push(
      `| ${row.workers} | ${row.layout} | ${cell(r.helios)} | ${cell(r.nginx)} | ${cell(r.haproxy)} | ${ratio(r.helios, r.nginx)} | ${ratio(r.helios, r.haproxy)} |`,
    );
  }
  const mode = rows.map((x) => x.results.helios?.info?.mode).find(Boolean);
  if (mode) lines.push('', `Helios ran at every step as its own command: \`${mode}\`.`);
  return lines.join('\n');
}

function profileText(p) {
  const label = `${TARGETS[p.target].label}${p.admin ? ' with metrics on' : ''}`;
  if (p.error) return `### CPU profile (${label})\n\n${p.error}`;
  const lines = [
    `### CPU profile (${label}, small responses, ${f0(p.row?.rps)} req/s while profiling)`,
    '',
    `Busy ${p.busyMs} ms, idle ${p.idleMs} ms. Self time by area: ${p.areas.map((a) => `${a.area} ${a.pct}%`).join(', ')}.`,
    '',
    '| self % | self ms | function (location) |',
    '|---:|---:|---|',
    ...p.top.map((t) => `| ${t.pct} | ${t.selfMs} | \`${t.fn}\` |`),
    '',
    `Profile: ${p.file} (open in Chrome DevTools or speedscope).`,
  ];
  return lines.join('\n');
}

export function renderMarkdown(results) {
  const m = results.meta;
  const parts = [
    `## Helios bench — ${m.finishedAt}`,
    '',
    `Machine: ${m.machine.nproc} cores (${m.machine.cpu}${m.machine.virtualMachine ? ', virtual machine' : ''}), ${m.machine.memoryGiB} GiB, Linux ${m.machine.kernel}, Node ${m.machine.node}.`,
    `Versions: ${Object.entries(m.machine.versions)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Setup: ${m.setup}`,
    `Command: \`${m.command}\``,
  ];
  for (const [s, rows] of Object.entries(results.throughput ?? {}))
    parts.push('', throughputTable(s, rows));
  if (results.memory) parts.push('', memoryTable(results.memory));
  if (results.metrics) parts.push('', metricsTable(results.metrics));
  if (results.routes) parts.push('', routesTable(results.routes));
  if (results.tls) parts.push('', tlsTable(results.tls));
  if (results.scaling) parts.push('', scalingTable(results.scaling));
  for (const p of results.profile ?? []) parts.push('', profileText(p));
  return `${parts.join('\n')}\n`;
}
