/** A blank `RequestFacts` and default forwarding options, for unit tests of the header pass. */
import type { ForwardingOptions, RequestFacts } from '../../src/forwarded-headers.js';
import { TrustPolicy } from '../../src/trust-policy.js';

export function facts(): RequestFacts {
  return {
    id: '',
    clientAddress: '',
    contentLength: -1,
    chunked: false,
    otherCoding: false,
    host: '',
    problem: undefined,
  };
}

export const options: ForwardingOptions = {
  preserveHost: true,
  trust: new TrustPolicy(false),
  maxHeaderSize: 16_384,
};
