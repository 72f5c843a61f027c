import { loadYargs } from '../../src/cli/yargs-factory.js';
import { replayCommand } from '../../src/cli/commands/replay.js';
import type { ReplayArgs } from '../../src/replay/replay-args.js';

/**
 * `shadowtap replay <captures> <flags>` read by the command's own yargs definitions, in this process:
 * defaults and the unit grammar as the CLI applies them, so src is tested without a build.
 */
export async function replayArgv(captures: string[], flags: string[]): Promise<ReplayArgs> {
  const yargs = await loadYargs();
  const y = replayCommand.builder(
    yargs(flags)
      .parserConfiguration({ 'parse-numbers': false })
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      }),
  );
  return { ...(await y.parseAsync()), captures } as ReplayArgs;
}
