/** A one-off node:http backend for response shapes the fake fleet does not produce. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CustomBackend {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startCustomBackend(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<CustomBackend> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
