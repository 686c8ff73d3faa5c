/** HealthHooks that record every verdict the data path reports, for "never blamed" assertions. */
import type { HealthTarget } from '../../src/backend.js';
import type { HealthHooks } from '../../src/health-hooks.js';
import type { FailureKind } from '../../src/strategy.js';

export interface Verdict {
  backend: string;
  status: number;
  failure: FailureKind | undefined;
}

export interface HealthRecorder extends HealthHooks {
  verdicts: Verdict[];
  /** Verdicts that passive health checking would count as a failure (a failure kind or 5xx). */
  failures(): Verdict[];
}

export function recordHealth(): HealthRecorder {
  const verdicts: Verdict[] = [];
  return {
    verdicts,
    failures: () => verdicts.filter((v) => v.failure !== undefined || v.status >= 500),
    update(): void {},
    onRequestEnd(backend: HealthTarget, status: number, failure: FailureKind | undefined): void {
      verdicts.push({ backend: backend.id, status, failure });
    },
    close(): void {},
  };
}
