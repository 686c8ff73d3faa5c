/** Public face of @helios/health. */
export {};
