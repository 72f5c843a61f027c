import type { CommandModule } from 'yargs';
import { catCommand } from './cat.js';
import { captureCommand } from './capture.js';
import { convertCommand } from './convert.js';
import { recordCommand } from './record.js';
import { agentCommand } from './agent.js';
import { replayCommand } from './replay.js';
import { targetsCommand } from './targets.js';
import { drainCommand } from './drain.js';
import { localElbCommand } from './local-elb.js';
import { runCommand } from './run.js';
import { sampleServiceCommand } from './sample-service.js';
import { demoCommand } from './demo.js';
import { reportCommand } from './report.js';
import { workerCommand } from './worker.js';

/**
 * Every command module; each file keeps its heavy imports inside the handler so that
 * `shadowtap --help` does not load undici, fastify or the AWS SDK.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [catCommand, captureCommand, convertCommand, recordCommand, agentCommand, replayCommand, targetsCommand, drainCommand, localElbCommand, runCommand, sampleServiceCommand, demoCommand, reportCommand, workerCommand];
