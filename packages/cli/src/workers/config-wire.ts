/**
 * A resolved config crosses the IPC channel as JSON. Only backend URLs are not plain data;
 * they travel as `{ "$url": href }` and are rebuilt on the other side, so a worker gets exactly
 * the config the primary validated (it never reads helios.yaml itself, which may have changed).
 */
import type { HeliosConfig } from '@helios/core';

export function encodeConfig(config: HeliosConfig): string {
  return JSON.stringify(config, function replace(this: unknown, key: string, value: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof URL ? { $url: raw.href } : value;
  });
}

export function decodeConfig(text: string): HeliosConfig {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && '$url' in value) {
      return new URL(String((value as { $url: unknown }).$url));
    }
    return value;
  }) as HeliosConfig;
}
