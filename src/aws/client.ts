import type { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';

/**
 * How to reach AWS. Credentials and region come from the SDK's default chain (env, profile, SSO,
 * instance/container role) unless given. Retries: the SDK's `standard` mode (3 attempts, exponential
 * backoff with jitter, throttling and transient 5xx/network errors retried); AWS_MAX_ATTEMPTS and
 * AWS_RETRY_MODE override, as everywhere in the SDK.
 */
export const awsOptionsSchema = z.strictObject({
  region: z.string().optional(),
  endpointUrl: z.url().optional(),
  /** Static keys (tests, the local endpoint); otherwise the default chain. */
  credentials: z.strictObject({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() }).optional(),
  maxAttempts: z.number().int().min(1).optional(),
});
export type AwsOptions = z.infer<typeof awsOptionsSchema>;

function common(o: AwsOptions) {
  // The SDK warns on Node 20 about its own future releases: noise on every shadowtap command, nothing to act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    endpoint: o.endpointUrl,
    // A copy: the SDK tags the object it is given (`$source`), which would then fail strict validation.
    credentials: o.credentials ? { ...o.credentials } : undefined,
    retryMode: process.env.AWS_RETRY_MODE ?? 'standard',
    maxAttempts: o.maxAttempts ?? (process.env.AWS_MAX_ATTEMPTS ? Number(process.env.AWS_MAX_ATTEMPTS) : 3),
    // An unreachable endpoint fails in seconds rather than hanging on the OS connect timeout.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
}

export function elbClient(o: AwsOptions = {}): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client(common(o));
}

/**
 * Loaded on first use: only instance targets need EC2 (their private addresses), and its SDK client
 * costs ~1 s of CPU to load (a module per EC2 action), which every `targets`, drain and health gate
 * paid at start-up even for IP targets.
 */
export async function ec2Client(o: AwsOptions = {}): Promise<EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  return new EC2Client(common(o));
}
