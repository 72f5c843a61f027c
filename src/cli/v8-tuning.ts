/**
 * TurboFan's inlining budget for this CLI: a capture is a short run whose hot functions are compiled
 * while it runs, so compile time is a real share of it (a quarter of `capture`'s instructions on the
 * bench pcap). Halving the cumulative budget (V8's default 920) compiles less for nearly the same code.
 * Measured with callgrind, whole command, Node 20.20: `capture` of bench.pcap 5.61-5.65G → 5.32-5.46G,
 * of varied.pcap 22.95G → 21.30G, `cat` of bench.pcap 2.53G → 2.44G; replay's CPU time unchanged;
 * `--version` 220M → 233M (median of 3; its CPU time within noise). Node 22.23 (V8 12.4) ran capture
 * 2.6 % slower with it, and other majors are unmeasured: they keep V8's defaults.
 *
 * Safe to set after start-up: V8 reads this flag when it builds a compile job, and flags are
 * per process, so the pcap reader's worker thread compiles with it too. Set once the CLI's own
 * parser has loaded: V8's code cache is keyed by the flags, so every script compiled after the change
 * misses node's cache of its built-ins (`--version` 226M → 251M instructions when set before yargs).
 * Even after yargs, the built-ins a command loads later miss it: a replay of a 10-line capture starts
 * ~50M instructions dearer (806–874M → 852–924M, 4 runs each), against ~0.15–0.3G saved on a 55 MB pcap.
 */
export function v8TuningFor(nodeVersion: string): string | undefined {
  return nodeVersion.split('.')[0] === '20' ? '--max-inlined-bytecode-size-cumulative=460' : undefined;
}

/** Applies this Node's tuning, if any (node:v8 loads only then); returns the flags set. */
export async function tuneV8(nodeVersion: string = process.versions.node): Promise<string | undefined> {
  const flags = v8TuningFor(nodeVersion);
  if (flags !== undefined) (await import('node:v8')).setFlagsFromString(flags);
  return flags;
}
