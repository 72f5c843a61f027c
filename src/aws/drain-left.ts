import type { TargetDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InputError, InvalidRunError } from '../errors.js';

/** A target a failed cycle deregistered and did not register again, and how to put it back. */
export interface LeftDeregistered {
  targetGroup: string;
  targetGroupArn: string;
  target: TargetDescription;
  /** The AWS CLI command that registers it again, exactly as the cycle would have. */
  registerCommand: string;
}

// Quoted only when the shell would read it otherwise: ARNs, addresses and ports are pasted as they are.
const shq = (s: string): string => (/^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function leftDeregistered(targetGroup: string, targetGroupArn: string, target: TargetDescription, endpointUrl?: string): LeftDeregistered {
  const spec = [`Id=${target.Id}`, ...(target.Port !== undefined ? [`Port=${target.Port}`] : []), ...(target.AvailabilityZone ? [`AvailabilityZone=${target.AvailabilityZone}`] : [])].join(',');
  // The ARN names the region; the user's default region may be another one.
  const region = targetGroupArn.split(':')[3];
  const argv = ['aws', 'elbv2', 'register-targets', '--target-group-arn', targetGroupArn, '--targets', spec,
    ...(region ? ['--region', region] : []), ...(endpointUrl ? ['--endpoint-url', endpointUrl] : [])];
  return { targetGroup, targetGroupArn, target, registerCommand: argv.map(shq).join(' ') };
}

/**
 * The cycle's error with what it left behind appended, so every place that shows the error (CLI,
 * JSON, a scenario's invalid reason) tells the operator the target is out of service and how to fix it.
 * Same class, so the exit code stays the one the failure earned.
 */
export function withLeftNote(err: Error, left: LeftDeregistered): Error {
  const t = `${left.target.Id}:${left.target.Port}`;
  const msg = `${err.message}\ntarget ${t} is left DEREGISTERED from target group ${left.targetGroup}: the cycle stopped before registering it again (it never puts back a target the restart may have broken). Once it is healthy, register it again with:\n  ${left.registerCommand}`;
  if (err instanceof InputError) return new InputError(msg, { cause: err });
  if (err instanceof InvalidRunError) return new InvalidRunError(msg, { cause: err });
  return new Error(msg, { cause: err });
}
