/**
 * `upstreamTls` and `upstreamHttp2` in helios.yaml: how Helios speaks to `https://` backends.
 * Both may be given at the top level and per pool; a pool's `upstreamTls` overrides only the
 * keys it names (as nginx inherits each `proxy_ssl_*` directive on its own). Certificate and key
 * files are paths relative to the config file; the schema only checks their shape, the loader
 * (upstream-tls-files.ts) reads and checks them at start and on every reload.
 */
import { z } from 'zod';
import { flag } from './fields.js';

const FILE_EXPECTED = 'a path to a PEM file (relative to the config file)';
const fileSchema = (description: string) =>
  z.string({ error: FILE_EXPECTED }).min(1, { error: FILE_EXPECTED }).describe(description);

const SERVERNAME_EXPECTED = 'a DNS name such as api.internal';
const servernameSchema = z
  .string({ error: SERVERNAME_EXPECTED })
  .regex(
    /^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/,
    {
      error: SERVERNAME_EXPECTED,
    },
  )
  .describe(
    'Name sent in SNI and checked against the backend certificate; default: the backend URL host.',
  );

const upstreamTlsFields = {
  ca: fileSchema(
    'CA certificates (PEM bundle) trusted for backend certificates; default: Node’s public CAs.',
  ),
  servername: servernameSchema,
  rejectUnauthorized: flag(
    'Refuse backends whose certificate does not verify (false: accept any, insecure).',
  ),
  cert: fileSchema('Client certificate (PEM, full chain) for mutual TLS to backends; needs `key`.'),
  key: fileSchema('Private key (PEM) of `cert`.'),
};

/** The section as written, top level or per pool: every key optional. */
export const upstreamTlsSchema = z
  .strictObject({
    ca: upstreamTlsFields.ca.optional(),
    servername: upstreamTlsFields.servername.optional(),
    rejectUnauthorized: upstreamTlsFields.rejectUnauthorized.optional(),
    cert: upstreamTlsFields.cert.optional(),
    key: upstreamTlsFields.key.optional(),
  })
  .describe(
    'TLS to `https://` backends: trusted CA, server name, client certificate. A pool’s section overrides only the keys it gives.',
  );

export const upstreamHttp2Schema = flag(
  'Offer HTTP/2 (ALPN) to `https://` backends, needed for gRPC; `http://` backends stay HTTP/1.1.',
);

export type UpstreamTlsInput = z.output<typeof upstreamTlsSchema>;

/** A certificate or key file: where it was named, and (once read) what it holds. */
export interface TlsFileRef {
  /** As written in the config. */
  readonly file: string;
  /** The key path where it was written (a pool inheriting it shares the top level's). */
  readonly at: readonly (string | number)[];
  /** The PEM text, filled in by `loadUpstreamTlsFiles`; undefined until then. */
  pem?: string | undefined;
  /** The absolute path it was read from (for `--watch`); set with `pem`. */
  path?: string | undefined;
}

/** A pool's TLS settings towards its backends, top-level values applied. */
export interface UpstreamTlsConfig {
  ca?: TlsFileRef | undefined;
  cert?: TlsFileRef | undefined;
  key?: TlsFileRef | undefined;
  servername?: string | undefined;
  rejectUnauthorized: boolean;
}

type Path = readonly (string | number)[];

function ref(file: string | undefined, at: Path): TlsFileRef | undefined {
  return file === undefined ? undefined : { file, at };
}

/** The top-level section resolved (the base every pool starts from). */
export function resolveTopUpstreamTls(input: UpstreamTlsInput | undefined): UpstreamTlsConfig {
  const at = ['upstreamTls'];
  return {
    ca: ref(input?.ca, [...at, 'ca']),
    cert: ref(input?.cert, [...at, 'cert']),
    key: ref(input?.key, [...at, 'key']),
    servername: input?.servername,
    rejectUnauthorized: input?.rejectUnauthorized ?? true,
  };
}

/** A pool's section over the top-level one, key by key. */
export function resolvePoolUpstreamTls(
  base: UpstreamTlsConfig,
  input: UpstreamTlsInput | undefined,
  pool: string,
): UpstreamTlsConfig {
  if (input === undefined) return base;
  const at = ['pools', pool, 'upstreamTls'];
  return {
    ca: ref(input.ca, [...at, 'ca']) ?? base.ca,
    cert: ref(input.cert, [...at, 'cert']) ?? base.cert,
    key: ref(input.key, [...at, 'key']) ?? base.key,
    servername: input.servername ?? base.servername,
    rejectUnauthorized: input.rejectUnauthorized ?? base.rejectUnauthorized,
  };
}
