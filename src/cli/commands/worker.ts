import type { CommandBody } from './index.js';
import { durationFlag } from '../options.js';

interface Args {
  coordinator?: string;
  ipc: boolean;
  wait?: number;
  keep: boolean;
}

export const workerCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 worker --coordinator redis://redis.internal:6379', 'wait for a job, run it, report, exit')
      .example('$0 worker --coordinator redis://redis.internal:6379/ci --keep --wait 5m', 'a pool worker for `run --coordinator …/ci`: every phase, until none comes for 5 minutes')
      .option('coordinator', { type: 'string', describe: 'redis://[user:pass@]host:port[/POOL] (rediss:// for TLS) where coordinators queue jobs; POOL: take only the jobs of coordinators given the same one' })
      .option('ipc', { type: 'boolean', default: false, hidden: true, describe: 'started by replay --workers N (jobs over the IPC channel)' })
      .option('wait', durationFlag('wait', { above: true, describe: 'give up (exit 3) when no job comes within this long; default: wait forever' }))
      .option('keep', { type: 'boolean', default: false, describe: 'after a job, take the next (a scenario file\'s phases, one after another); with --wait, exit 0 once none comes within it' }) as never,
  handler: async (args) => {
    const { InputError } = await import('../../errors.js');
    if (!args.ipc && !args.coordinator) throw new InputError('worker: --coordinator redis://host:port is required');
    const { runWorker } = await import('../../distributed/worker.js');
    const { PHASE_TASK } = await import('../../scenarios/spread/phase-job.js');
    const { phaseTask } = await import('../../scenarios/spread/phase-task.js');
    const log = (l: string): void => void process.stderr.write(`${l}\n`);
    const wait = args.wait ?? Infinity;
    for (let ran = 0; ; ran++) {
      const side = args.ipc ? new (await import('../../distributed/ipc.js')).IpcWorker() : new (await import('../../distributed/redis.js')).RedisWorker(args.coordinator!);
      const code = await runWorker(side, wait, log, { [PHASE_TASK]: phaseTask });
      if (code === undefined) {
        log(ran ? `worker: no further job within ${wait / 1000} s after ${ran} job${ran > 1 ? 's' : ''}; done` : `worker: no job within ${wait / 1000} s`);
        if (!ran) process.exitCode = 3;
        return;
      }
      // A stopped worker (the run is invalid) ends now rather than sending the rest of its share.
      if (code !== 0) process.exit(code);
      // Local workers (--ipc) are forked for one job.
      if (!args.keep || args.ipc) return;
    }
  },
};
