import type { Socket } from 'node:net';
import type { Connection } from '../../exchange.js';
import type { Forwarding } from './forward.js';

/** What a client connection carries for the proxy: the exchange being forwarded, and every one not yet finished. */
const kForwarding = Symbol('shadowtap.forwarding');
const kUnfinished = Symbol('shadowtap.unfinished');
type Tagged = object & { [kForwarding]?: Forwarding | undefined; [kUnfinished]?: Set<Forwarding> };

/** The client connection's two endpoints, as recorded in an exchange (forwarded or tunnelled). */
export function connectionOf(socket: Socket): Connection {
  return { clientIp: socket.remoteAddress ?? '', clientPort: socket.remotePort ?? 0, serverIp: socket.localAddress ?? '', serverPort: socket.localPort ?? 0 };
}

/** The exchange being forwarded on a client connection, if any (the server's request timeout needs it). */
export function forwardingOn(socket: object): Forwarding | undefined {
  return (socket as Tagged)[kForwarding];
}

/**
 * Node emits 'close' only on the response attached to the socket: the pipelined ones queued behind it
 * never hear that the socket closed, so every exchange still open on a socket ends when the socket does.
 */
export function attach(socket: Socket, f: Forwarding): void {
  const s = socket as Socket & Tagged;
  s[kForwarding] = f;
  let open = s[kUnfinished];
  if (!open) {
    const set = (open = s[kUnfinished] = new Set());
    socket.once('close', () => {
      for (const each of set) each.onClose();
    });
  }
  open.add(f);
}

export function detach(socket: Socket, f: Forwarding): void {
  const s = socket as Socket & Tagged;
  if (s[kForwarding] === f) s[kForwarding] = undefined;
  s[kUnfinished]?.delete(f);
}
