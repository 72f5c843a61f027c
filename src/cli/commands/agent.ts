import type { CommandBody } from './index.js';

interface Args {
  config: string;
  check: boolean;
}

export const agentCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 agent --config /etc/shadowtap/agent.yaml --check', 'validate the file (errors name file:line:col and the field)')
      .example('$0 agent --config /etc/shadowtap/agent.yaml', 'run until SIGTERM (deploy/shadowtap-agent.service runs this)')
      .option('config', { type: 'string', demandOption: true, describe: 'agent.yaml (see deploy/agent.example.yaml)' })
      .option('check', { type: 'boolean', default: false, describe: 'validate the configuration and exit' }),
  handler: async (args) => {
    const { loadAgentConfig } = await import('../../agent/config.js');
    const cfg = await loadAgentConfig(args.config, (await import('../../config/settings.js')).readSettings());
    if (args.check) {
      process.stderr.write(`${args.config}: ok\n`);
      return;
    }
    const { runAgent } = await import('../../agent/run.js');
    await runAgent(cfg);
  },
};
