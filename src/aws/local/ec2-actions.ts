import { listParam, type Params } from './query.js';
import type { LocalElbState } from './state.js';
import { AwsFault, type XmlValue } from './xml.js';

/**
 * EC2 DescribeInstances (ec2Query protocol), only what instance-target resolution reads: id, state,
 * private IP and AZ of the configured instances.
 */
export function describeInstances(state: LocalElbState, p: Params): Record<string, XmlValue> {
  const wanted = listParam(p, 'InstanceId', true);
  const known = state.cfg.instances;
  const missing = wanted.filter((id) => !(id in known));
  if (missing.length) throw new AwsFault(400, 'InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  const ids = wanted.length ? wanted : Object.keys(known);
  return {
    reservationSet: ids.map((id) => ({
      reservationId: `r-${id.slice(2)}`,
      ownerId: state.cfg.accountId,
      instancesSet: [{
        instanceId: id, privateIpAddress: known[id], instanceState: { code: 16, name: 'running' },
        placement: { availabilityZone: `${state.cfg.region}a` }, instanceType: 't3.micro',
      }],
    })),
  };
}
