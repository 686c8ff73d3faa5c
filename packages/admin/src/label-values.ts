/**
 * Label values the admin listener makes up itself, next to the ones that come from the config
 * (backend ids, pool and route names). Every label stays bounded: no path, host or other value
 * a client chooses ever becomes one.
 */

/** `backend`, `pool` or `route` of a request for which none was chosen (e.g. a 503, a 400). */
export const NONE = 'none';

/**
 * Route names come from helios.yaml, so they are few; but renamed routes pile up across
 * reloads, so one backend keeps at most this many route label values and counts the rest
 * under OTHER_ROUTES.
 */
export const MAX_ROUTE_LABELS = 256;

/** The `route` label of requests beyond MAX_ROUTE_LABELS (`#` never starts a route name). */
export const OTHER_ROUTES = '#other';
