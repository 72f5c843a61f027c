import type { Argv, ArgumentsCamelCase } from 'yargs';

/**
 * What a command's file exports: its options and examples (`builder`) and what it does (`handler`).
 * Its name and one-line description are in `commands` below, so the command list, routing and
 * `--version` need none of the files; yargs runs a command's builder only when that command runs or
 * draws its help, and the builder is where its file is loaded.
 */
export interface CommandBody<A> {
  builder: (y: Argv) => Argv<A>;
  handler: (args: ArgumentsCamelCase<A>) => void | Promise<void>;
}

export interface CommandEntry {
  /** Name and positionals, as yargs reads them ('cat <files..>'). */
  command: string;
  describe: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load: () => Promise<CommandBody<any>>;
}

/** Every command, in the order --help lists them. */
export const commands: readonly CommandEntry[] = [
  { command: 'cat <files..>', describe: 'Print the exchanges of captures (.jsonl[.gz], .har, .gor, .pcap[ng]), one after the other', load: async () => (await import('./cat.js')).catCommand },
  { command: 'capture', describe: 'Turn packets (a pcap/pcapng file, stdin, or live tcpdump) into an exchange file', load: async () => (await import('./capture.js')).captureCommand },
  { command: 'convert <input> <output>', describe: 'Convert between .jsonl[.gz], .har and GoReplay .gor (by extension); .pcap[ng] as input too', load: async () => (await import('./convert.js')).convertCommand },
  { command: 'record', describe: 'Recording reverse proxy: forward every request to --upstream unchanged and record the exchanges', load: async () => (await import('./record.js')).recordCommand },
  { command: 'agent', describe: 'Long-running capture on an instance (live tcpdump or recording proxy → rotating files and/or live mirroring), with a control API', load: async () => (await import('./agent.js')).agentCommand },
  { command: 'replay <captures..>', describe: 'Replay captured traffic to one or more targets (open model) and compare the responses', load: async () => (await import('./replay.js')).replayCommand },
  { command: 'targets', describe: 'List the targets of an ELBv2 target group (or of every group of a load balancer) and their health', load: async () => (await import('./targets.js')).targetsCommand },
  { command: 'drain', describe: 'Verify a deploy cycle loses no request: load through the load balancer while one target is deregistered, restarted (command after --) and registered again', load: async () => (await import('./drain.js')).drainCommand },
  { command: 'local-elb', describe: 'Run a local ELBv2-compatible endpoint (Query/XML API + real health checks) and round-robin load balancers, for demos and tests', load: async () => (await import('./local-elb.js')).localElbCommand },
  { command: 'run [file]', describe: 'Run scenarios (smoke checks, load phases, thresholds, A/B comparisons) from scenarios.yaml', load: async () => (await import('./run.js')).runCommand },
  { command: 'sample-service', describe: 'Run the embedded sample service (/health, /test, /render, /work?ms=N) with a thread-pool model', load: async () => (await import('./sample-service.js')).sampleServiceCommand },
  { command: 'demo', describe: 'Start the sample service as two configurations (fail-fast, queueing), run the repo scenarios.yaml against them, write the report', load: async () => (await import('./demo.js')).demoCommand },
  { command: 'report <summary> [against]', describe: 'Render the HTML report (and JUnit) again from a summary.json, or from a replay --summary file', load: async () => (await import('./report.js')).reportCommand },
  { command: 'worker', describe: 'Run a share of a replay (or of a scenario phase with workers: N) handed out by a coordinator (replay/run --coordinator redis://…)', load: async () => (await import('./worker.js')).workerCommand },
];

/** A command's one-line description, for a builder that writes its own usage line (drain). */
export function described(name: string): string {
  return commands.find((c) => c.command.split(' ')[0] === name)!.describe;
}
