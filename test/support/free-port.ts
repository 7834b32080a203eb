// A TCP port free on 127.0.0.1 at the moment of asking, for a server a test starts itself.
import { createServer } from 'node:net';

/** Asks the kernel for a port (listen on 0), then frees it for the caller. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
