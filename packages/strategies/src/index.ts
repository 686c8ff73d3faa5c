/** Public face of @helios/strategies. */
export {};
