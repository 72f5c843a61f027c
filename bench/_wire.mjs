// Timing on the wire: tcpdump on lo records the request packets of a replay, tshark (an independent
// dissector) reads each request's first-packet kernel timestamp, and these are set against the
// intended send times (the summary's startEpochUs + each result's intendedUs). What the engine says
// about its own lag is then checked against when the bytes really left.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Starts tcpdump on lo for packets carrying data to `port`; resolves once it is listening. */
export async function startWireCapture(port, file) {
  // Block mode (not --immediate-mode): fewer wake-ups beside the generator; timestamps are the kernel's either way.
  const filter = `tcp dst port ${port} and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)`;
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '-B', '16384', '-s', '256', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise((resolve, reject) => {
    const onData = (d) => {
      err += d;
      if (err.includes('listening on')) resolve();
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${err.trim()}`)));
    child.once('error', (e) => reject(new Error(`tcpdump: ${e.message}`)));
  });
  return {
    async stop() {
      // The ring buffer is handed over in blocks: give the last one its timeout before stopping.
      await new Promise((r) => setTimeout(r, 1500));
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
      return err;
    },
  };
}

/** Map request-target → kernel timestamp (µs since the epoch) of the packet that starts it. */
export async function wireRequestTimes(file, port) {
  const { stdout } = await run('tshark', ['-r', file, '-n', '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'http.request.uri'], { maxBuffer: 256 << 20 });
  const at = new Map();
  for (const line of stdout.split('\n')) {
    const [t, uri] = line.split('\t');
    if (!uri) continue;
    // A request split over packets is stamped by tshark at its last packet: take the first seen per uri.
    if (!at.has(uri)) at.set(uri, Math.round(Number(t) * 1e6));
  }
  return at;
}

/** Kernel timestamps (µs since the epoch) of the SYNs that opened connections to `port`. */
export async function wireConnectTimes(file, port) {
  const { stdout } = await run('tshark', ['-r', file, '-n', '-Y', `tcp.dstport==${port} && tcp.flags.syn==1 && tcp.flags.ack==0`, '-T', 'fields', '-e', 'frame.time_epoch']);
  return stdout.split('\n').filter(Boolean).map((t) => Math.round(Number(t) * 1e6));
}

/** |lag| percentiles in ms of the given µs values. */
export function lagStats(us) {
  const a = us.map(Math.abs).sort((x, y) => x - y);
  const q = (p) => (a.length ? a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)] / 1000 : NaN);
  const late2 = us.filter((x) => x > 2000).length;
  return { n: a.length, p50: q(50), p99: q(99), max: q(100), over2ms: late2 };
}

/**
 * Wire lag of each request of a replay: its first packet's kernel time minus its intended time.
 * `results` is the replay's --results file (ids map to targets through `targetOf`).
 */
export async function wireLag(pcap, port, summary, resultsFile, targetOf) {
  const at = await wireRequestTimes(pcap, port);
  const wire = [];
  const engine = [];
  const first = [];
  let missing = 0;
  for (const line of readFileSync(resultsFile, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.error === 'dropped') continue;
    const t = at.get(targetOf(r.id));
    engine.push(r.lagUs);
    if (t === undefined) {
      missing++;
      continue;
    }
    const lag = t - (summary.startEpochUs + r.intendedUs);
    wire.push(lag);
    if (r.intendedUs < 100_000) first.push(lag);
  }
  return { wire: lagStats(wire), engine: lagStats(engine), first: lagStats(first), missing, min: Math.min(...wire) / 1000 };
}
