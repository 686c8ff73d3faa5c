/** Public face of @helios/test-backends. */
export {};
