/**
 * `tls:` (top level, or per listener): the certificates a listener serves, the oldest protocol
 * version it accepts and whether clients must present a certificate (mutual TLS). Paths are as
 * written, relative to the config file's directory; the files themselves are read and checked
 * by tls/load-material.ts (asynchronously, at start and on every reload), whose PEM text then
 * rides along in `material` so worker processes get exactly what the primary checked.
 */
import { z } from 'zod';
import type { TlsMaterial } from '../tls/material.js';
import { flag } from './fields.js';

const FILE_EXPECTED = 'a file path (relative to the config file)';
const fileSchema = (description: string) =>
  z.string({ error: FILE_EXPECTED }).min(1, { error: FILE_EXPECTED }).describe(description);

const CERT_DESCRIPTION = 'PEM certificate, full chain (leaf first).';
const KEY_DESCRIPTION = 'PEM private key of that certificate.';

const certificatePairSchema = z.strictObject({
  cert: fileSchema(CERT_DESCRIPTION),
  key: fileSchema(KEY_DESCRIPTION),
});

export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

const clientAuthSchema = z
  .strictObject({
    ca: fileSchema('PEM certificate(s) of the CA that signs client certificates.'),
    required: flag(
      'Refuse clients without a valid certificate; false asks for one but serves without.',
    ).default(true),
  })
  .describe('Mutual TLS: ask clients for a certificate signed by `ca`.');

/** One certificate as a listener serves it: paths as written, and where they are in the file. */
export interface CertificateFiles {
  cert: string;
  key: string;
  /** Key path of this pair inside the `tls` section (`[]` for `cert`/`key` at its top). */
  at: (string | number)[];
}

export const tlsSchema = z
  .strictObject({
    cert: fileSchema(`${CERT_DESCRIPTION} Or use \`certificates\`.`).optional(),
    key: fileSchema(KEY_DESCRIPTION).optional(),
    certificates: z
      .array(certificatePairSchema, { error: 'a list of `{ cert, key }` mappings' })
      .min(1, { error: 'at least one `{ cert, key }` mapping' })
      .optional()
      .describe(
        'Several certificates, chosen by the client’s SNI among their DNS/IP names; the first is the default.',
      ),
    minVersion: z
      .enum(TLS_VERSIONS, { error: 'TLSv1.2 or TLSv1.3 (older versions are not offered)' })
      .default('TLSv1.2')
      .describe('Oldest TLS version accepted.'),
    clientAuth: clientAuthSchema.optional(),
  })
  .superRefine(
    (tls, ctx) => {
      if (typeof tls !== 'object' || tls === null) return;
      const single = tls.cert !== undefined || tls.key !== undefined;
      if (single && tls.certificates !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates'],
          message: 'either `cert` and `key`, or `certificates`, not both',
          input: tls.certificates,
        });
        return;
      }
      if (tls.certificates !== undefined) return;
      for (const key of ['cert', 'key'] as const) {
        if (tls[key] !== undefined) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: single
            ? `\`${key}\` too: a certificate needs both \`cert\` and \`key\``
            : 'a certificate: `cert` and `key`, or `certificates: [{ cert, key }, ...]`',
          input: undefined,
        });
      }
      // Also when a field is wrong (a bad minVersion): every problem is reported at once.
    },
    { when: () => true },
  )
  .transform((tls) => {
    const certificates: CertificateFiles[] =
      tls.certificates === undefined
        ? [{ cert: tls.cert ?? '', key: tls.key ?? '', at: [] }]
        : tls.certificates.map((pair, index) => ({ ...pair, at: ['certificates', index] }));
    return {
      certificates,
      minVersion: tls.minVersion as TlsVersion,
      clientAuth: tls.clientAuth,
      /** The files' content, filled by `loadTlsMaterial` (never by the schema). */
      material: undefined as TlsMaterial | undefined,
    };
  })
  .describe('Terminate TLS: `{ cert, key }` or `{ certificates: [...] }`, plus options.');

export type TlsConfig = z.output<typeof tlsSchema>;

export const http2Schema = flag(
  'Offer HTTP/2 (ALPN h2) on a TLS listener; default true with `tls`. Without TLS it must be false (h2c is not offered).',
);
