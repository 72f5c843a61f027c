import { createServer, type Server, type Socket } from 'node:net';
import { listenLoopback } from '../helpers/listen.js';

/** A raw TCP server: `onRequest` gets each request (split on the blank line; bodies by Content-Length). */
export async function rawServer(onRequest: (sock: Socket, head: string, body: Buffer, n: number) => unknown): Promise<{ url: string; port: number; heads: string[]; byConnection: string[][]; close: () => Promise<void> }> {
  const heads: string[] = [];
  // The heads each connection carried, answered or not, in the order connections came.
  const byConnection: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    const mine: string[] = [];
    byConnection.push(mine);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    // Responses go out in request order (pipelining), even when one is written in several steps.
    let chain = Promise.resolve();
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end + 4).toString('latin1');
        const cl = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + cl) return;
        const body = buf.subarray(end + 4, end + 4 + cl);
        buf = buf.subarray(end + 4 + cl);
        heads.push(head);
        mine.push(head);
        const n = heads.length;
        // Once this side has ended (a close-delimited or Connection: close answer), later pipelined
        // requests are read and left unanswered, as a server does when it closes gracefully:
        // writing to an ended socket would destroy it with unread bytes, and the kernel's RST could
        // discard the answer the client has not read yet (seen on a loaded machine).
        chain = chain.then(async () => void (sock.writableEnded || sock.destroyed ? undefined : await onRequest(sock, head, body, n)));
      }
    });
  });
  const port = await listenLoopback(server);
  return { url: `http://127.0.0.1:${port}`, port, heads, byConnection, close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))) };
}

