/**
 * `trustProxy:` in helios.yaml: which peers may tell Helios who the client is. `false` trusts
 * nobody (the TCP peer is the client); `true` trusts the immediate peer only (one hop); a number
 * trusts that many proxy hops in front of Helios (Envoy's `xff_num_trusted_hops`); a list of
 * addresses and CIDR ranges trusts those proxies wherever they appear in the chain (nginx's
 * `set_real_ip_from` with `real_ip_recursive on`). In every form the client address is the
 * rightmost `X-Forwarded-For` entry that is not a trusted proxy, never the leftmost one a client
 * can write itself.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** Resolved: `false`, a hop count, or a list of addresses / CIDR ranges. */
export type TrustProxyConfig = false | number | readonly string[];

const EXPECTED =
  '`false`, `true` (the immediate peer), a number of trusted proxy hops (1-10), or a list of proxy addresses and CIDR ranges (e.g. [10.0.0.0/8, "::1"])';

const ENTRY_EXPECTED = 'an IP address or CIDR range such as 10.0.0.0/8, 192.168.1.7 or fd00::/8';

/** `10.0.0.0/8`, `::1`, `fd00::/8`: an address, optionally with a prefix length of its family. */
export function isAddressOrCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const entrySchema = z
  .string({ error: ENTRY_EXPECTED })
  .trim()
  .refine(isAddressOrCidr, { error: ENTRY_EXPECTED });

export const trustProxySchema = z
  .union(
    [
      z.boolean().transform((trust): TrustProxyConfig => (trust ? 1 : false)),
      z
        .number({ error: EXPECTED })
        .int({ error: EXPECTED })
        .min(0, { error: EXPECTED })
        .max(10, { error: EXPECTED })
        .transform((hops): TrustProxyConfig => (hops === 0 ? false : hops)),
      z
        .array(entrySchema, { error: EXPECTED })
        .min(1, { error: EXPECTED })
        .transform((list): TrustProxyConfig => list),
    ],
    { error: EXPECTED },
  )
  .default(false)
  .describe(
    'Who may set X-Forwarded-*: false, true (the immediate peer), a hop count, or proxy addresses/CIDRs.',
  );
