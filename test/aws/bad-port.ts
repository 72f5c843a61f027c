import type { Server } from 'node:net';

/**
 * Ports the WHATWG fetch spec refuses ("bad ports") that an unprivileged process may bind. Tests run
 * in parallel (and other suites may hold one), so a test takes the first that is free.
 */
export const BAD_PORTS = [6667, 10080, 6668, 6669, 6665, 6666, 6000, 5060, 5061, 6697, 6679, 4190, 1719, 1720, 1723, 2049, 3659, 4045, 6566];

function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Each test file takes its ports from a list of its own: a port one file has closed must not be taken by
 * another while the first's stragglers (local-elb's health checks) still knock on it.
 */
export const BAD_PORT_LANES = { drain: BAD_PORTS.slice(0, 10), clients: BAD_PORTS.slice(10) };

/** Listens on 127.0.0.1 on the first free port of `ports`; fails (never skips) when all are taken. */
export async function listenOnBadPort(server: Server, ports: readonly number[]): Promise<number> {
  for (const port of ports) {
    try {
      await listenOn(server, port);
      return port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error(`every port of ${ports.join(', ')} is in use on 127.0.0.1`);
}

/** What `fetch` says about the port: its refusal ("bad port") is what the tests must get past. */
export async function fetchRefusal(port: number): Promise<string> {
  try {
    await (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
    return 'answered';
  } catch (err) {
    return ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
  }
}
