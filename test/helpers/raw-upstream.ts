import { connect, createServer, type Socket } from 'node:net';
import { listenLoopback } from './listen.js';

/**
 * A TCP server that keeps every byte a request brought, as it came, and answers a fixed response once
 * it has as many bytes as the test expects (or the sender went quiet for `idleMs`, so a short request
 * cannot hang a test). Tunnels: after answering a CONNECT or Upgrade it echoes what follows.
 */
export interface RawUpstream {
  port: number;
  url: string;
  /** The bytes of each request, in arrival order. */
  got: Buffer[];
  /** Chunks received so far, answered or not: a request has reached the upstream before it is answered. */
  chunks(): number;
  expect(bytes: number, response: string): void;
  close(): Promise<void>;
}

export async function startRawUpstream(idleMs = 1000): Promise<RawUpstream> {
  let want = 0;
  let response = '';
  const got: Buffer[] = [];
  let chunks = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    let tunnel = false;
    const answer = (): void => {
      clearTimeout(timer);
      const request = buf.subarray(0, want);
      got.push(request);
      tunnel = /^CONNECT |\r\nUpgrade:/i.test(request.toString('latin1'));
      const rest = buf.subarray(request.length);
      buf = Buffer.alloc(0);
      s.write(response);
      if (tunnel && rest.length) s.write(rest);
    };
    s.on('data', (c: Buffer) => {
      chunks++;
      if (tunnel) return void s.write(c);
      buf = Buffer.concat([buf, c]);
      clearTimeout(timer);
      if (buf.length >= want) answer();
      else timer = setTimeout(answer, idleMs);
    });
  });
  const port = await listenLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    got,
    chunks: () => chunks,
    expect: (bytes, res) => {
      want = bytes;
      response = res;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Sends raw bytes on a new connection and collects what comes back until the peer closes or `until` matches. */
export function rawExchange(port: number, bytes: string | Buffer, until: RegExp, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer matching ${until} within ${timeoutMs} ms; got ${JSON.stringify(text)}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(text);
    };
    s.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (until.test(text)) done();
    });
    s.on('close', done);
    s.on('error', () => undefined);
    s.write(bytes);
  });
}
