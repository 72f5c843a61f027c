import type { CommandModule } from 'yargs';
import { catCommand } from './cat.js';
import { convertCommand } from './convert.js';

/**
 * Every command module; each file keeps its heavy imports inside the handler so that
 * `shadowtap --help` does not load undici, fastify or the AWS SDK.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [catCommand, convertCommand];
