/**
 * Folds a request's method and status into a few fixed classes so that metric label sets stay
 * bounded whatever clients send. Both lookups run per request and allocate nothing.
 */

export const METHOD_CLASSES = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OTHER'] as const;
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'error'] as const;

/** Index of `error` in STATUS_CLASSES: no response reached the client. */
export const STATUS_ERROR = 5;

export function methodClass(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'DELETE':
      return 4;
    default:
      return 5;
  }
}

export function statusClass(status: number): number {
  const hundreds = (status / 100) | 0;
  return hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : STATUS_ERROR;
}

/** A request counts as failed when the client got a 5xx or no response at all. */
export function isFailure(status: number): boolean {
  return status >= 500 || status < 100;
}
