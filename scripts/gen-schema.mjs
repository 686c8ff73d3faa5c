#!/usr/bin/env node
/**
 * Writes packages/core/schema/helios.schema.json, the published JSON Schema of helios.yaml, from
 * the built packages (run `pnpm schema`, which builds first). It lives here because it needs
 * both: core's schema, and the built-in strategies' options, which core must not import. The
 * file is committed and published with @helios/core; scripts/test/config-json-schema.test.ts
 * fails if it drifts.
 */
import { writeFile } from 'node:fs/promises';
import { renderJsonSchema } from '@helios/core';
import { builtinStrategies } from '@helios/strategies';

const target = new URL('../packages/core/schema/helios.schema.json', import.meta.url);
await writeFile(target, renderJsonSchema({ strategies: builtinStrategies }));
console.log(`wrote ${target.pathname}`);
