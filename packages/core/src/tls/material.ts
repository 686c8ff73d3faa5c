/**
 * The content of a listener's certificate files, as plain JSON-safe data: read once per config
 * generation by load-material.ts and carried inside the config (`tls.material`), so a reload
 * swaps certificates together with everything else and a cluster worker gets exactly what the
 * primary checked without reading a file itself.
 */

export interface LoadedCertificate {
  /** PEM chain, leaf first. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** DNS names and IP addresses of the leaf's subjectAltName (lower case), for SNI. */
  names: string[];
}

export interface TlsMaterial {
  /** In file order: the first is the default (no SNI, or an unknown name). */
  certificates: LoadedCertificate[];
  /** PEM CA certificates for client certificates (`clientAuth.ca`). */
  clientCa: string | undefined;
  /** Absolute paths of every file read, for `--watch`. */
  files: string[];
}
