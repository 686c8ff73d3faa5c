/**
 * The certificates a TLS listener serves, by SNI, and how a reload swaps them. Node picks the
 * certificate per connection through `SNICallback` (one Map lookup, at handshake time only);
 * the server's own context is the default, for clients without SNI or with a name no
 * certificate has. A reload builds every new context first, then swaps the map and calls
 * `setSecureContext`: handshakes that started keep the old certificate, new ones get the new.
 * Requests never see any of this: it is all handshake time.
 */
import type { Server as TlsServer } from 'node:tls';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';
import type { TlsConfig } from '../config/tls-schema.js';
import { HeliosError } from '../errors.js';
import type { LoadedCertificate, TlsMaterial } from './material.js';

/** The per-context options: certificate, protocol floor and the client CA. */
function contextOptions(
  certificate: LoadedCertificate,
  tls: TlsConfig,
  material: TlsMaterial,
): TlsOptions {
  return {
    cert: certificate.cert,
    key: certificate.key,
    minVersion: tls.minVersion,
    ...(material.clientCa === undefined ? {} : { ca: material.clientCa }),
  };
}

function materialOf(tls: TlsConfig): TlsMaterial {
  const material = tls.material;
  if (material === undefined || material.certificates.length === 0) {
    throw new HeliosError(
      'HELIOS_TLS_NOT_LOADED',
      'a TLS listener has no certificates loaded: load the config with loadConfig(), or pass it through loadTlsMaterial() first',
    );
  }
  return material;
}

interface Contexts {
  exact: Map<string, SecureContext>;
  /** `*.example.com` certificates, by `example.com`. */
  wildcard: Map<string, SecureContext>;
}

function buildContexts(tls: TlsConfig, material: TlsMaterial): Contexts {
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  // The first certificate that names a host wins, as the file order says.
  for (const certificate of material.certificates) {
    const context = createSecureContext(contextOptions(certificate, tls, material));
    for (const name of certificate.names) {
      if (name.startsWith('*.')) {
        if (!wildcard.has(name.slice(2))) wildcard.set(name.slice(2), context);
      } else if (!exact.has(name)) exact.set(name, context);
    }
  }
  return { exact, wildcard };
}

export class ListenerCertificates {
  #contexts: Contexts;

  constructor(tls: TlsConfig) {
    this.#contexts = buildContexts(tls, materialOf(tls));
  }

  /** Options for creating the server: the default certificate, mTLS, ALPN-independent parts. */
  static serverOptions(tls: TlsConfig, certificates: ListenerCertificates): TlsOptions {
    const material = materialOf(tls);
    const first = material.certificates[0] as LoadedCertificate;
    return {
      ...contextOptions(first, tls, material),
      requestCert: tls.clientAuth !== undefined,
      rejectUnauthorized: tls.clientAuth?.required ?? false,
      SNICallback: certificates.sniCallback,
    };
  }

  /** Node's SNI hook: an unknown name gets the server's default context. */
  readonly sniCallback = (
    servername: string,
    callback: (err: Error | null, context?: SecureContext) => void,
  ): void => {
    const { exact, wildcard } = this.#contexts;
    const name = servername.toLowerCase();
    let context = exact.get(name);
    if (context === undefined && wildcard.size > 0) {
      const dot = name.indexOf('.');
      if (dot > 0) context = wildcard.get(name.slice(dot + 1));
    }
    callback(null, context);
  };

  /**
   * A reload, in two steps: this builds everything (throws, changing nothing, if OpenSSL
   * refuses); the function it returns swaps the SNI map and the server's default context.
   */
  prepare(server: TlsServer, tls: TlsConfig): () => void {
    const material = materialOf(tls);
    const contexts = buildContexts(tls, material);
    const first = material.certificates[0] as LoadedCertificate;
    return () => {
      server.setSecureContext(contextOptions(first, tls, material));
      this.#contexts = contexts;
      // Read per connection by Node's TLS server: new handshakes follow the new settings.
      const mutable = server as TlsServer & { requestCert: boolean; rejectUnauthorized: boolean };
      mutable.requestCert = tls.clientAuth !== undefined;
      mutable.rejectUnauthorized = tls.clientAuth?.required ?? false;
    };
  }
}
