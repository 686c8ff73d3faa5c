/**
 * Reads the certificate and key files `upstreamTls` names (paths relative to the config file)
 * and checks them the way a TLS handshake would, so a bad file is a config error at `validate`,
 * start and reload rather than a 502 at the first request: unreadable or missing files, text
 * that holds no PEM certificate or key, an expired certificate, a client certificate without its
 * key (or the other way round), and a key that does not belong to its certificate. Each file is
 * read once however many pools inherit it; its text is stored on the config (`TlsFileRef.pem`).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { ConfigWarning } from './route-warnings.js';
import type { HeliosConfig } from './types.js';
import type { TlsFileRef, UpstreamTlsConfig } from './upstream-tls-schema.js';
import { formatPath } from './yaml-source.js';

/** A problem with a file, at the key that named it. */
export type TlsFileIssue = ConfigWarning;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(CERTIFICATE_BLOCK) ?? []).map((block) => new X509Certificate(block));
}

function expired(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validTo) < now;
}

function subjectOf(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ', ');
}

type Kind = 'ca' | 'cert' | 'key';

/** What is wrong with a file's text for its kind, or undefined when it is usable. */
function checkText(kind: Kind, pem: string, now: number): string | undefined {
  if (kind === 'key') {
    try {
      createPrivateKey(pem);
      return undefined;
    } catch (error) {
      return `holds no usable PEM private key (${(error as Error).message}); an encrypted key is not supported`;
    }
  }
  let certs: X509Certificate[];
  try {
    certs = certificatesIn(pem);
  } catch (error) {
    return `holds a PEM certificate that cannot be parsed (${(error as Error).message})`;
  }
  const first = certs[0];
  if (first === undefined) return 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
  if (kind === 'cert' && expired(first, now)) {
    return `holds a certificate (${subjectOf(first)}) that expired on ${first.validTo}; renew it`;
  }
  if (kind === 'ca' && certs.every((c) => expired(c, now))) {
    const which =
      certs.length === 1
        ? `the CA certificate (${subjectOf(first)})`
        : 'every CA certificate in it';
    return `${which} expired (${first.validTo}); no backend certificate could verify`;
  }
  return undefined;
}

function kindOf(ref: TlsFileRef): Kind {
  return ref.at[ref.at.length - 1] as Kind;
}

function refsOf(tls: UpstreamTlsConfig): TlsFileRef[] {
  const refs: TlsFileRef[] = [];
  if (tls.ca !== undefined) refs.push(tls.ca);
  if (tls.cert !== undefined) refs.push(tls.cert);
  if (tls.key !== undefined) refs.push(tls.key);
  return refs;
}

/**
 * Reads every file of every pool's `upstreamTls` into the config (in place) and returns what is
 * wrong with them; an empty list means every pool can dial its backends.
 */
export async function readUpstreamTlsFiles(
  config: HeliosConfig,
  baseDir: string,
  now: number = Date.now(),
): Promise<TlsFileIssue[]> {
  const issues: TlsFileIssue[] = [];
  const seen = new Set<string>();
  const add = (at: readonly (string | number)[], message: string): void => {
    const key = `${formatPath(at)}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path: [...at], message });
  };
  // One read per key that names a file, shared by every pool that inherits it.
  const byKey = new Map<string, TlsFileRef[]>();
  for (const pool of Object.values(config.pools)) {
    for (const ref of refsOf(pool.upstreamTls)) {
      const key = formatPath(ref.at);
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [ref]);
      else list.push(ref);
    }
  }
  await Promise.all(
    [...byKey.values()].map(async (refs) => {
      const first = refs[0] as TlsFileRef;
      const full = resolve(baseDir, first.file);
      let pem: string;
      try {
        pem = await readFile(full, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        add(
          first.at,
          code === 'ENOENT'
            ? `file ${first.file} not found (looked for ${full})`
            : `cannot read ${first.file} (${full}): ${(error as Error).message}`,
        );
        return;
      }
      const problem = checkText(kindOf(first), pem, now);
      if (problem !== undefined) {
        add(first.at, `${first.file} ${problem}`);
        return;
      }
      for (const ref of refs) {
        ref.pem = pem;
        ref.path = full;
      }
    }),
  );
  for (const pool of Object.values(config.pools)) {
    const { cert, key } = pool.upstreamTls;
    if (cert !== undefined && key === undefined) {
      add(cert.at, 'a client certificate needs its private key: set `key` next to `cert`');
    } else if (key !== undefined && cert === undefined) {
      add(key.at, 'a client key needs its certificate: set `cert` next to `key`');
    } else if (cert?.pem !== undefined && key?.pem !== undefined) {
      const leaf = certificatesIn(cert.pem)[0] as X509Certificate;
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(key.pem);
      } catch {
        continue;
      }
      if (!leaf.checkPrivateKey(privateKey)) {
        add(key.at, `${key.file} is not the private key of ${cert.file} (${subjectOf(leaf)})`);
      }
    }
  }
  // Files are read concurrently: report in a stable order.
  return issues.sort((a, b) => formatPath(a.path).localeCompare(formatPath(b.path)));
}

/** Absolute paths of every file `upstreamTls` read, for `--watch`. */
export function upstreamTlsFiles(config: HeliosConfig): string[] {
  const files = new Set<string>();
  for (const pool of Object.values(config.pools)) {
    for (const ref of refsOf(pool.upstreamTls)) if (ref.path !== undefined) files.add(ref.path);
  }
  return [...files];
}

/**
 * For a config made without a file (`resolveConfig`): reads the `upstreamTls` files relative to
 * `baseDir` and throws a `ConfigError` listing every problem. `loadConfig` does this itself.
 */
export async function loadUpstreamTlsFiles(
  config: HeliosConfig,
  baseDir: string = process.cwd(),
  name = '<config object>',
): Promise<HeliosConfig> {
  const issues = await readUpstreamTlsFiles(config, baseDir);
  if (issues.length > 0) {
    throw new ConfigError(
      'HELIOS_CONFIG_INVALID',
      name,
      issues.map((i) => ({
        file: name,
        line: 0,
        column: 0,
        path: formatPath(i.path),
        message: i.message,
      })),
    );
  }
  return config;
}
