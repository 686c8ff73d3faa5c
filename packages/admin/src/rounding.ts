/** Rounding of the status document's figures: enough digits to read, none that are noise. */

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function roundOrNull(value: number | null | undefined): number | null {
  return value === undefined || value === null ? null : round(value, 2);
}
