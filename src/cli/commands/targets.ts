import type { CommandBody } from './index.js';
import { wholeFlag } from '../options.js';

interface Args {
  'target-group'?: string;
  'load-balancer'?: string;
  region?: string;
  'endpoint-url'?: string;
  'page-size'?: number;
  json: boolean;
}

export const targetsCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 targets --target-group web', 'each target\'s address, port and health (with the reason)')
      .example('$0 targets --load-balancer web-alb --json', 'every target group behind a load balancer, as JSON')
      .option('target-group', { type: 'string', describe: 'target group name or ARN' })
      .option('load-balancer', { type: 'string', describe: 'load balancer name or ARN (alone: all its target groups)' })
      .option('region', { type: 'string', describe: 'AWS region (default: the SDK chain: AWS_REGION, profile)' })
      .option('endpoint-url', { type: 'string', describe: 'ELBv2 endpoint override (e.g. the local endpoint of `shadowtap local-elb`)' })
      .option('page-size', wholeFlag('page-size', { min: 1, max: 400, describe: 'DescribeTargetGroups page size (1-400)' }))
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (one array of targets)' })
      .check((a) => (a['target-group'] || a['load-balancer'] ? true : 'name --target-group or --load-balancer'))
      .epilogue('Credentials: the AWS SDK default chain (env, AWS_PROFILE, SSO, instance/task role). Retries: SDK standard mode, 3 attempts (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).'),
  handler: async (args) => {
    const { elbClient } = await import('../../aws/client.js');
    const { listTargets } = await import('../../aws/discover.js');
    const { targetsTable } = await import('../../aws/table.js');
    const client = elbClient({ region: args.region, endpointUrl: args['endpoint-url'] });
    try {
      const rows = await listTargets(client, { targetGroup: args['target-group'], loadBalancer: args['load-balancer'], pageSize: args['page-size'] });
      process.stdout.write(args.json ? JSON.stringify(rows, null, 2) + '\n' : targetsTable(rows));
    } finally {
      client.destroy();
    }
  },
};
