import { createServer, type AddressInfo } from 'node:net';

let warmed: Promise<void> | undefined;

/**
 * undici compiles its HTTP parser (llhttp, WebAssembly) and loads most of its code on the first
 * response it parses: ~10–30 ms during which nothing else runs. Done inside a run, that pause is
 * schedule lag for the first requests. So one request goes to a throwaway loopback server before
 * the clock starts; targets see nothing.
 */
export function warmUp(): Promise<void> {
  warmed ??= (async () => {
    const server = createServer((sock) => sock.once('data', () => sock.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { Client } = await import('undici');
    const client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const res = await client.request({ path: '/', method: 'GET' });
      await res.body.dump();
    } catch {
      /* warm-up is best effort */
    } finally {
      await client.close().catch(() => undefined);
      server.close();
    }
  })();
  return warmed;
}
