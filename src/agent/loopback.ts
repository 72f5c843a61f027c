import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1, localhost (and v4-mapped 127.x): addresses only this host can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}
