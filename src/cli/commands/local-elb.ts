import type { CommandBody } from './index.js';
import { wholeFlag } from '../options.js';

interface Args {
  config: string;
  port: number;
  'lb-port'?: string[];
}

export const localElbCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 local-elb --config examples/aws/local-elb.yaml', 'an ELBv2 endpoint and load balancer on loopback (URLs printed)')
      .option('config', { type: 'string', demandOption: true, describe: 'YAML/JSON: targetGroups (name, loadBalancer, targets, health check, deregistrationDelayMs), credentials, instances' })
      .option('port', wholeFlag('port', { max: 65535, default: 0, describe: 'endpoint port (0 = any free port)' }))
      .option('lb-port', { type: 'string', array: true, describe: 'NAME=PORT for a load balancer (default: any free port)' })
      .epilogue('Prints one JSON line {endpointUrl, loadBalancers} on stdout, then serves until SIGINT/SIGTERM. Listens on 127.0.0.1 only.'),
  handler: async (args) => {
    const { loadLocalElbConfig } = await import('../../aws/local/config-file.js');
    const { startLocalElb } = await import('../../aws/local/index.js');
    const { InputError } = await import('../../errors.js');
    const lbPorts: Record<string, number> = {};
    for (const s of args['lb-port'] ?? []) {
      const m = /^([^=]+)=(\d{1,5})$/.exec(s);
      if (!m || Number(m[2]) > 65535) throw new InputError(`--lb-port ${s}: expected NAME=PORT (a port from 0 to 65535)`);
      lbPorts[m[1]!] = Number(m[2]);
    }
    const elb = await startLocalElb(await loadLocalElbConfig(args.config), { port: args.port, lbPorts });
    process.stdout.write(JSON.stringify({ endpointUrl: elb.endpointUrl, loadBalancers: Object.fromEntries([...elb.loadBalancers].map(([n, lb]) => [n, lb.url])) }) + '\n');
    elb.state.on('change', (c: { targetGroup: string; target: string; from: string; to: string }) =>
      process.stderr.write(`${new Date().toISOString()} ${c.targetGroup} ${c.target}: ${c.from} → ${c.to}\n`));
    await new Promise<void>((resolve) => {
      const stop = (): void => void elb.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
