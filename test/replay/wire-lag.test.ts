import { describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult, RunSummary, ScheduledRequest } from '../../src/replay/types.js';
import { listenLoopback } from '../helpers/listen.js';
import { recordOnLo } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';
import { wireConnectTimes, wireRequestTimes } from '../../bench/_wire.mjs';

const dir = tempDir('shadowtap-wire-lag-');
const STALL_MS = 400;

/** Answers every request at once, except `/stall`, which it answers after STALL_MS. Records each connection's accept. */
async function stallingServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const path = buf.split(' ')[1];
        buf = buf.slice(end + 4);
        const answer = (): void => void sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        if (path === '/stall') setTimeout(answer, STALL_MS);
        else answer();
      }
    });
  });
  const port = await listenLoopback(server);
  return { port, close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))) };
}

const request = (i: number, atMs: number, target = `/r/${i}`): ScheduledRequest => ({ intendedUs: atMs * 1000, id: String(i), method: 'GET', target, headers: [] });

/** Replays `schedule` to the server with tcpdump on lo; each result with its wire lag (first packet − intended, µs). */
async function replayOnWire(name: string, schedule: ScheduledRequest[], connections: number): Promise<{ summary: RunSummary; rows: (RequestResult & { wireLagUs: number })[]; syns: number[] }> {
  const srv = await stallingServer();
  const pcap = join(dir, `${name}.pcap`);
  const results: RequestResult[] = [];
  let summary: RunSummary | undefined;
  try {
    await recordOnLo(pcap, srv.port, async () => {
      summary = await runLoad({ schedule, targets: [{ url: `http://127.0.0.1:${srv.port}`, connections }], onResult: (r) => results.push(r), validity: { maxLagP99Ms: 10_000, maxEventLoopDelayP99Ms: 10_000 } });
    });
  } finally {
    await srv.close();
  }
  const wire = await wireRequestTimes(pcap, srv.port);
  // The warm-up before the clock goes to a throwaway server: the target sees the schedule and nothing else.
  expect([...wire.keys()].sort()).toEqual(schedule.map((s) => s.target).sort());
  const targetOf = new Map(schedule.map((s) => [s.id, s.target]));
  const rows = results.map((r) => {
    const at = wire.get(targetOf.get(r.id)!);
    if (at === undefined) throw new Error(`request ${r.id} not seen on the wire`);
    return { ...r, wireLagUs: at - (summary!.startEpochUs! + r.intendedUs) };
  });
  return { summary: summary!, rows: rows.sort((a, b) => a.intendedUs - b.intendedUs), syns: await wireConnectTimes(pcap, srv.port) };
}

describe('schedule lag is measured when the request leaves', () => {
  it('requests queued behind a stalled connection report the lag the wire shows, and are counted as queued', async () => {
    // One connection; the first request stalls it, so the next seven can only leave after its response.
    const schedule = [request(0, 0, '/stall'), ...Array.from({ length: 7 }, (_, k) => request(k + 1, 20 + 25 * k))];
    const { summary, rows } = await replayOnWire('stall', schedule, 1);
    expect(rows.map((r) => r.status)).toEqual(Array(8).fill(200));
    const [first, ...followers] = rows;
    const stallEndUs = first!.intendedUs + first!.wireLagUs + STALL_MS * 1000;
    for (const r of followers) {
      // On the wire: each follower left after the stalled response (the server cannot answer early).
      expect(r.intendedUs + r.wireLagUs).toBeGreaterThanOrEqual(stallEndUs);
      // The engine's lag is the wire's, up to the write → kernel timestamp step and clock alignment.
      expect(Math.abs(r.lagUs - r.wireLagUs)).toBeLessThan(20_000);
      expect(r.queued).toBe(true);
    }
    expect(first!.queued).toBeUndefined();
    expect(summary.targets[0]!.queued).toBe(7);
    expect(summary.targets[0]!.scheduleLag.max).toBeGreaterThanOrEqual((STALL_MS - 20) * 0.9);
  });

  it('connections are open before the clock starts: the first requests do not wait for a handshake', async () => {
    const schedule = Array.from({ length: 6 }, (_, k) => request(k, k === 0 ? 0 : 1));
    const { summary, rows, syns } = await replayOnWire('preconnect', schedule, 4);
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill(200));
    // Four connections, every handshake on the wire before the schedule's time zero.
    expect(syns).toHaveLength(4);
    for (const t of syns) expect(t).toBeLessThan(summary.startEpochUs!);
    for (const r of rows) expect(Math.abs(r.lagUs - r.wireLagUs)).toBeLessThan(20_000);
    expect(summary.targets[0]!.queued).toBe(rows.filter((r) => r.queued).length);
  });
});
