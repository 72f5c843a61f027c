import net from 'node:net';
import type { Exchange } from '../../src/exchange.js';
import { createHttpSink, type HttpStats } from '../../src/capture/http/index.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import { listenLoopback } from './listen.js';

const nowUs = (): number => Math.round(performance.timeOrigin * 1000 + performance.now() * 1000);

export interface Tap {
  port: number;
  exchanges: Exchange[];
  stats: HttpStats;
  /** Resolves when every tapped connection has closed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP relay on 127.0.0.1 in front of `upstreamPort` that feeds every byte it forwards, in each
 * direction, to an HTTP sink: real client and server bytes, segmented as the kernel delivered them.
 */
export async function startTap(upstreamPort: number, maxBodyBytes = 1 << 20): Promise<Tap> {
  const exchanges: Exchange[] = [];
  const stats: HttpStats = newCaptureStats();
  let open = 0;
  const waiters: (() => void)[] = [];
  let flows = 0;
  const server = net.createServer((client) => {
    open++;
    const up = net.connect(upstreamPort, '127.0.0.1');
    const connection = { clientIp: '127.0.0.1', clientPort: client.remotePort ?? 0, serverIp: '127.0.0.1', serverPort: upstreamPort };
    const sink = createHttpSink({ id: String(++flows), connection }, { maxBodyBytes, stats }, (ex) => exchanges.push(ex));
    client.on('data', (b: Buffer) => {
      sink.data('request', b, 0, b.length, nowUs(), -1);
      up.write(b);
    });
    up.on('data', (b: Buffer) => {
      sink.data('response', b, 0, b.length, nowUs(), -1);
      client.write(b);
    });
    client.on('end', () => {
      sink.halfClose?.('request', nowUs());
      up.end();
    });
    up.on('end', () => {
      sink.halfClose?.('response', nowUs());
      client.end();
    });
    let closed = 0;
    const done = (): void => {
      if (++closed < 2) return;
      sink.end('fin', nowUs());
      if (--open === 0) for (const w of waiters.splice(0)) w();
    };
    client.on('close', done);
    up.on('close', done);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await listenLoopback(server);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    exchanges,
    stats,
    idle: () => (open === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
