/**
 * The TLS table: Helios, a Node peer and nginx terminating TLS with the same certificate, each
 * over HTTP/1.1 (wrk on https) and HTTP/2 (h2load, ALPN h2), under the same load. The
 * certificate comes from a throwaway CA made here (ECDSA P-256, as a modern site would serve).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificateAuthority } from '@helios/test-backends';
import { THROUGHPUT_SCENARIOS } from './args.mjs';
import { measureCell } from './cell.mjs';

/** Which targets can terminate TLS here, and over which protocols. */
const TLS_TARGETS = { helios: ['h1', 'h2'], fastify: ['h1', 'h2'], nginx: ['h1', 'h2'] };

/** A CA and a `localhost`/`127.0.0.1` certificate as files; `remove()` deletes them. */
export async function benchCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-tls-'));
  const authority = await createTestCertificateAuthority('Helios Bench CA');
  const leaf = await authority.issue({ names: ['localhost', '127.0.0.1'] });
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.ca, authority.ca.cert);
  writeFileSync(files.cert, leaf.cert);
  writeFileSync(files.key, leaf.key, { mode: 0o600 });
  return { ...files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function tlsSuite(targets, ctx, describe) {
  const certs = await benchCertificates();
  const rows = [];
  try {
    for (const protocol of ['h1', 'h2']) {
      for (let round = 1; round <= ctx.opts.rounds; round++) {
        for (const name of targets.filter((t) => TLS_TARGETS[t]?.includes(protocol))) {
          const tls = { cert: certs.cert, key: certs.key, ca: certs.ca, http2: protocol === 'h2' };
          const row = await measureCell(name, THROUGHPUT_SCENARIOS.small, ctx, { tls });
          ctx.log(`  tls ${protocol} ${name.padEnd(8)} ${describe(row)}`);
          rows.push({ protocol, round, ...row });
        }
      }
    }
  } finally {
    certs.remove();
  }
  // Each target keeps its best round per protocol, as in the throughput table.
  const best = new Map();
  for (const row of rows) {
    const key = `${row.protocol} ${row.target}`;
    const seen = best.get(key);
    if (!row.error && (seen === undefined || seen.error || row.rps > seen.rps)) best.set(key, row);
    else if (seen === undefined) best.set(key, row);
  }
  return { rows: [...best.values()] };
}
