/**
 * A pool's `upstreamTls` as the options undici's connector passes to `tls.connect`, and a
 * fingerprint of everything about the connection a reload may change, so a pool whose TLS or
 * HTTP/2 settings (or certificate file contents) changed gets new connections while the others
 * keep theirs. Health probes dial with the same options (core hands them over; see HealthHooks).
 */
import { createHash } from 'node:crypto';
import type { PoolConfig } from './config/pools.js';
import type { TlsFileRef, UpstreamTlsConfig } from './config/upstream-tls-schema.js';
import { HeliosError } from './errors.js';

/** What `tls.connect` gets for a backend (PEM text, not paths). */
export interface UpstreamTlsOptions {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** SNI and the name the certificate must carry; undefined: the backend URL's host. */
  readonly servername?: string | undefined;
  readonly rejectUnauthorized: boolean;
}

function pemOf(ref: TlsFileRef | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.pem === undefined) {
    throw new HeliosError(
      'HELIOS_UPSTREAM_TLS_NOT_LOADED',
      `upstreamTls file ${ref.file} was not read: load the config with loadConfig(), or call loadUpstreamTlsFiles(config, dir) after resolveConfig()`,
    );
  }
  return ref.pem;
}

/** The connect options of a pool's TLS section; throws if its files were never read. */
export function upstreamTlsOptions(tls: UpstreamTlsConfig): UpstreamTlsOptions {
  return {
    ca: pemOf(tls.ca),
    cert: pemOf(tls.cert),
    key: pemOf(tls.key),
    servername: tls.servername,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/** How a pool dials its `https://` backends. */
export interface UpstreamTransport {
  readonly tls: UpstreamTlsOptions;
  /** Offer h2 by ALPN (`upstreamHttp2`). */
  readonly http2: boolean;
  /** Changes whenever a new connection to an `https://` backend of the pool would differ. */
  readonly fingerprint: string;
}

/** The transport of a pool; throws if its certificate files were never read. */
export function upstreamTransport(pool: PoolConfig): UpstreamTransport {
  const tls = upstreamTlsOptions(pool.upstreamTls);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([tls, pool.upstreamHttp2]))
    .digest('base64url')
    .slice(0, 22);
  return { tls, http2: pool.upstreamHttp2, fingerprint };
}
