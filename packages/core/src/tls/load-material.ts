/**
 * Reads and checks every listener's certificate files (fs/promises: this runs on reloads, next
 * to live traffic) and returns the config with each `tls.material` filled in. Every problem is
 * reported at once, each at the key that names the file: a file that is missing or unreadable,
 * text that is not PEM, a key that does not belong to its certificate, a certificate outside
 * its validity window, or anything else OpenSSL refuses when the context is built.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { ListenerConfig } from '../config/listener-schema.js';
import type { TlsConfig } from '../config/tls-schema.js';
import type { HeliosConfig } from '../config/types.js';
import { upstreamTlsFiles } from '../config/upstream-tls-files.js';
import type { LoadedCertificate, TlsMaterial } from './material.js';

/** A problem with a file named in the config, at that key. */
export interface TlsIssue {
  path: (string | number)[];
  message: string;
}

export interface LoadedTls {
  config: HeliosConfig;
  issues: TlsIssue[];
}

type Read = { ok: true; text: string; file: string } | { ok: false; message: string };

async function readPem(baseDir: string, name: string, what: string): Promise<Read> {
  const file = isAbsolute(name) ? name : resolve(baseDir, name);
  try {
    return { ok: true, text: await readFile(file, 'utf8'), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    return { ok: false, message: `cannot read the ${what} ${file}: ${why}` };
  }
}

function utc(date: number): string {
  return new Date(date).toISOString().replace('.000Z', 'Z');
}

/** The leaf's SAN names (DNS and IP), or its CN when it has none, lower-cased. */
function namesOf(leaf: X509Certificate): string[] {
  const san = leaf.subjectAltName;
  if (san !== undefined) {
    const names: string[] = [];
    for (const part of san.split(', ')) {
      const [kind, value] = [part.slice(0, part.indexOf(':')), part.slice(part.indexOf(':') + 1)];
      if ((kind === 'DNS' || kind === 'IP Address') && value !== '')
        names.push(value.toLowerCase());
    }
    if (names.length > 0) return names;
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return cn === undefined ? [] : [cn.toLowerCase()];
}

async function loadPair(
  baseDir: string,
  pair: TlsConfig['certificates'][number],
  at: (string | number)[],
  tls: TlsConfig,
  now: number,
  issues: TlsIssue[],
  files: string[],
): Promise<LoadedCertificate | undefined> {
  const certAt = [...at, ...pair.at, 'cert'];
  const keyAt = [...at, ...pair.at, 'key'];
  const [cert, key] = await Promise.all([
    readPem(baseDir, pair.cert, 'certificate file'),
    readPem(baseDir, pair.key, 'private key file'),
  ]);
  if (!cert.ok) issues.push({ path: certAt, message: cert.message });
  if (!key.ok) issues.push({ path: keyAt, message: key.message });
  if (!cert.ok || !key.ok) return undefined;
  files.push(cert.file, key.file);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert.text);
  } catch {
    issues.push({
      path: certAt,
      message: `${cert.file} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`,
    });
    return undefined;
  }
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  if (now > notAfter) {
    issues.push({
      path: certAt,
      message: `the certificate in ${cert.file} expired on ${utc(notAfter)}; renew it`,
    });
    return undefined;
  }
  if (now < notBefore) {
    issues.push({
      path: certAt,
      message: `the certificate in ${cert.file} is not valid before ${utc(notBefore)}; check the clock or the certificate`,
    });
    return undefined;
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(key.text));
  } catch {
    issues.push({
      path: keyAt,
      message: `${key.file} is not a PEM private key (or it is encrypted, which Helios does not read)`,
    });
    return undefined;
  }
  if (!matches) {
    issues.push({
      path: keyAt,
      message: `the key in ${key.file} does not match the certificate in ${cert.file}`,
    });
    return undefined;
  }
  try {
    createSecureContext({ cert: cert.text, key: key.text, minVersion: tls.minVersion });
  } catch (error) {
    issues.push({
      path: certAt,
      message: `OpenSSL refused ${cert.file} with ${key.file}: ${(error as Error).message}`,
    });
    return undefined;
  }
  return { cert: cert.text, key: key.text, names: namesOf(leaf) };
}

async function loadListener(
  listener: ListenerConfig,
  tls: TlsConfig,
  baseDir: string,
  now: number,
  issues: TlsIssue[],
): Promise<TlsMaterial | undefined> {
  const at = [...listener.at, 'tls'];
  const files: string[] = [];
  const before = issues.length;
  const certificates = await Promise.all(
    tls.certificates.map((pair) => loadPair(baseDir, pair, at, tls, now, issues, files)),
  );
  let clientCa: string | undefined;
  if (tls.clientAuth !== undefined) {
    const caAt = [...at, 'clientAuth', 'ca'];
    const ca = await readPem(baseDir, tls.clientAuth.ca, 'client CA file');
    if (!ca.ok) issues.push({ path: caAt, message: ca.message });
    else {
      files.push(ca.file);
      try {
        new X509Certificate(ca.text);
        createSecureContext({ ca: ca.text });
        clientCa = ca.text;
      } catch {
        issues.push({
          path: caAt,
          message: `${ca.file} is not a PEM CA certificate (expected -----BEGIN CERTIFICATE-----)`,
        });
      }
    }
  }
  if (issues.length > before) return undefined;
  return {
    certificates: certificates.filter((c): c is LoadedCertificate => c !== undefined),
    clientCa,
    files,
  };
}

/**
 * Reads the files of every TLS listener of `config` (paths relative to `baseDir`, the config
 * file's directory). `now` is for tests of validity windows.
 */
export async function loadTlsMaterial(
  config: HeliosConfig,
  baseDir: string,
  now: number = Date.now(),
): Promise<LoadedTls> {
  const issues: TlsIssue[] = [];
  const listeners = await Promise.all(
    config.listeners.map(async (listener) => {
      const tls = listener.tls;
      if (tls === undefined) return listener;
      const material = await loadListener(listener, tls, baseDir, now, issues);
      return { ...listener, tls: { ...tls, material } };
    }),
  );
  if (issues.length > 0) return { config, issues };
  const first = listeners[0];
  const shorthand = first !== undefined && first.at.length === 0 ? first.tls : config.tls;
  return { config: { ...config, tls: shorthand, listeners }, issues };
}

/**
 * Absolute paths of every certificate, key and CA file the config's listeners read, and those
 * of `upstreamTls` (TLS to backends).
 */
export function tlsFiles(config: HeliosConfig): string[] {
  return [
    ...config.listeners.flatMap((listener) => listener.tls?.material?.files ?? []),
    ...upstreamTlsFiles(config),
  ];
}
