import { InputError } from '../errors.js';

const CREDENTIAL_CODES = ['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidAccessKeyId', 'IncompleteSignature', 'MissingAuthenticationToken'];
const DENIED_CODES = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];
const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError'];

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
}

/**
 * Turn an AWS SDK failure into an InputError (exit 2) a person can act on: which call, what went
 * wrong, what to change. `what` names the operation ("DescribeTargetHealth for target group web").
 */
export function awsInputError(err: unknown, what: string): InputError {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const code = e.Code ?? e.code ?? name;
  const msg = e.message ?? String(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(msg)) {
    return new InputError(`${what}: no AWS credentials found — set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or run with an instance/task role`);
  }
  if (/Region is missing/i.test(msg)) return new InputError(`${what}: no AWS region — pass --region or set AWS_REGION`);
  if (CREDENTIAL_CODES.includes(code)) return new InputError(`${what}: AWS rejected the credentials (${code}): ${msg}`);
  if (DENIED_CODES.includes(code)) return new InputError(`${what}: access denied (${code}): ${msg}`);
  if (NETWORK_CODES.includes(code) || NETWORK_CODES.some((c) => msg.includes(c))) {
    return new InputError(`${what}: cannot reach the AWS endpoint (${msg}) — check --endpoint-url, the region and the network/proxy`);
  }
  return new InputError(`${what}: ${code ? `${code}: ` : ''}${msg}`);
}

/** Run one SDK call, mapping its failure with awsInputError. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw awsInputError(err, what);
  }
}
