import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJson, encodeJson, type Down, type Job, type Up } from './protocol.js';
import type { CoordinatorSide, WorkerSide } from './transport.js';

/** The CLI this module was built into: local workers are `shadowtap worker --ipc` processes of it. */
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Local workers (`--workers N`): one forked CLI process per job, messages over the IPC channel. */
export class IpcCoordinator implements CoordinatorSide {
  private readonly children: ChildProcess[] = [];
  private handler: (msg: Up) => void = () => undefined;

  async open(jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      // stdout is the worker's own summary (the coordinator prints the merged one); stderr shows warnings.
      const child = fork(CLI, ['worker', '--ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      child.on('message', (m) => this.handler(decodeJson<Up>(String(m))));
      child.on('error', () => undefined); // a dead child is noticed by its missing heartbeat
      child.send(encodeJson(job));
      this.children.push(child);
    }
  }

  send(worker: number, msg: Down): void {
    const child = this.children[worker];
    if (child?.connected) child.send(encodeJson(msg), () => undefined);
  }

  onMessage(handler: (msg: Up) => void): void {
    this.handler = handler;
  }

  onFailure(): void {}

  /** Workers end on their own after `done` or `stop`; one that does not within 2 s is killed. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        const timer = setTimeout(() => c.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** The worker end of `IpcCoordinator`: this process was forked with an IPC channel. */
export class IpcWorker implements WorkerSide {
  private handler: (msg: Down) => void = () => undefined;
  private readonly sending = new Set<Promise<void>>();
  private readonly first: Promise<Job>;

  constructor() {
    if (!process.send) throw new Error('shadowtap worker --ipc: no IPC channel (it is started by replay --workers N)');
    let gotJob: (j: Job) => void = () => undefined;
    this.first = new Promise((r) => (gotJob = r));
    let job = false;
    process.on('message', (m) => {
      if (!job) {
        job = true;
        gotJob(decodeJson<Job>(String(m)));
      } else this.handler(decodeJson<Down>(String(m)));
    });
  }

  job(): Promise<Job | undefined> {
    return this.first;
  }

  send(msg: Up): void {
    if (!process.connected) return;
    const sent: Promise<void> = new Promise((r) => process.send!(encodeJson(msg), undefined, {}, () => r()));
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }

  onMessage(handler: (msg: Down) => void): void {
    this.handler = handler;
  }

  onLost(handler: () => void): void {
    process.once('disconnect', handler);
  }

  async close(): Promise<void> {
    await Promise.all(this.sending);
    if (process.connected) process.disconnect();
  }
}
