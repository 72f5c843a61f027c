import type http from 'node:http';
import { InputError } from '../../errors.js';
import { localElbConfigSchema, type LocalElbConfig, type LocalElbConfigInput } from './config.js';
import { startEndpoint } from './endpoint.js';
import { startLoadBalancer, type LoadBalancerHandle } from './load-balancer.js';
import { LocalElbState } from './state.js';

export interface LocalElb {
  /** The ELBv2/EC2 Query endpoint, for `--endpoint-url` / the SDK's `endpoint`. */
  endpointUrl: string;
  config: LocalElbConfig;
  state: LocalElbState;
  /** One round-robin proxy per configured load balancer name. */
  loadBalancers: Map<string, LoadBalancerHandle>;
  close(): Promise<void>;
}

/** Start the local ELBv2 endpoint and its load balancers on 127.0.0.1 (ephemeral ports unless given). */
export async function startLocalElb(input: LocalElbConfigInput, opts: { port?: number; lbPorts?: Record<string, number> } = {}): Promise<LocalElb> {
  const config = localElbConfigSchema.parse(input);
  const names = new Set(config.targetGroups.flatMap((g) => (g.loadBalancer ? [g.loadBalancer] : [])));
  // A port for a name no group attaches to would be dropped, and the caller would wait on a port nothing serves.
  for (const name of Object.keys(opts.lbPorts ?? {})) {
    if (!names.has(name)) throw new InputError(`--lb-port ${name}: no load balancer "${name}" in the configuration (${names.size ? `known: ${[...names].join(', ')}` : 'no target group names a loadBalancer'})`);
  }
  const state = new LocalElbState(config);
  let server: http.Server | undefined;
  const loadBalancers = new Map<string, LoadBalancerHandle>();
  const close = async (): Promise<void> => {
    state.close();
    await Promise.all([...loadBalancers.values()].map((lb) => lb.close()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  };
  try {
    const ep = await startEndpoint(state, opts.port ?? 0);
    server = ep.server;
    for (const name of state.loadBalancers.keys()) loadBalancers.set(name, await startLoadBalancer(state, name, opts.lbPorts?.[name] ?? 0));
    return { endpointUrl: ep.url, config, state, loadBalancers, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export { localElbConfigSchema } from './config.js';
export type { LocalElbConfig, LocalElbConfigInput } from './config.js';
export type { TargetChange } from './state.js';
