/** Public face of @helios/cli. */
export {};
