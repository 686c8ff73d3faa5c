/**
 * Who the client is, given the TCP peer and any `X-Forwarded-For` chain. A chain is only as
 * trustworthy as the proxies that appended to it: reading from the right, every entry a trusted
 * proxy wrote is skipped, and the first one that is not a trusted proxy is the client. The
 * leftmost entries are whatever the client chose to send, so they are never believed.
 * Entries that are not IP addresses are skipped, so what reaches the logs is always an address.
 */
import { BlockList, isIP } from 'node:net';
import type { TrustProxyConfig } from './config/trust-proxy-schema.js';

export class TrustPolicy {
  /** Trusted hops (a count), or 0 when trust goes by address. */
  readonly #hops: number;
  readonly #proxies: BlockList | undefined;

  constructor(config: TrustProxyConfig) {
    if (config === false) {
      this.#hops = 0;
      this.#proxies = undefined;
    } else if (typeof config === 'number') {
      this.#hops = config;
      this.#proxies = undefined;
    } else {
      this.#hops = 0;
      this.#proxies = new BlockList();
      for (const entry of config) addEntry(this.#proxies, entry);
    }
  }

  /** Trusts nobody: forwarded headers from clients are dropped, the peer is the client. */
  get off(): boolean {
    return this.#hops === 0 && this.#proxies === undefined;
  }

  /** May this peer tell us about the client (`X-Forwarded-*`, `Forwarded`)? */
  trustsPeer(peer: string): boolean {
    if (this.#hops > 0) return true;
    return this.#proxies !== undefined && isTrustedAddress(this.#proxies, peer);
  }

  /**
   * The client address from a trusted peer's `X-Forwarded-For` value (all lines joined with
   * `,`). With a hop count N the peer is hop 1 and the chain's N-1 rightmost valid entries are
   * the other hops; with addresses, trusted entries are skipped from the right.
   */
  clientFrom(xff: string, peer: string): string {
    let end = xff.length;
    let hopsLeft = this.#hops - 1;
    let leftmostValid = '';
    while (end > 0) {
      const comma = xff.lastIndexOf(',', end - 1);
      const address = entryAddress(xff.slice(comma + 1, end));
      end = comma === -1 ? 0 : comma;
      if (address === undefined) continue;
      leftmostValid = address;
      if (this.#proxies !== undefined) {
        if (!isTrustedAddress(this.#proxies, address)) return address;
      } else if (hopsLeft-- <= 0) {
        return address;
      }
    }
    // Every entry was a trusted proxy (or none was valid): the leftmost address is the best left.
    return leftmostValid === '' ? peer : leftmostValid;
  }
}

function addEntry(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (slash === -1) list.addAddress(address, family);
  else list.addSubnet(address, Number(entry.slice(slash + 1)), family);
}

function isTrustedAddress(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return list.check(address, 'ipv4');
  // An IPv4 peer on a dual-stack socket reads `::ffff:10.0.0.1`; match it against IPv4 ranges too.
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) {
    return list.check(address.slice(7), 'ipv4') || list.check(address, 'ipv6');
  }
  return list.check(address, 'ipv6');
}

/**
 * One `X-Forwarded-For` entry as an address: trimmed, `1.2.3.4:80` and `[::1]:80` lose their
 * port, and anything that is then not an IP address (`unknown`, obfuscated ids, garbage) is
 * `undefined`.
 */
export function entryAddress(raw: string): string | undefined {
  let text = raw.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  if (text.charCodeAt(0) === 91 /* [ */) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    text = text.slice(1, close);
  } else {
    const colon = text.indexOf(':');
    if (colon !== -1 && colon === text.lastIndexOf(':')) text = text.slice(0, colon);
  }
  return isIP(text) === 0 ? undefined : text;
}
