import { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { formParams } from '../../form-urlencoded.js';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsFault } from './xml.js';

/** A key pair the local endpoint accepts; `deny` lists actions this identity may not call (AccessDenied). */
export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
  deny?: string[];
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function canonicalUri(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(decodeURIComponent(s))).join('/') || '/';
}

function canonicalQuery(search: string): string {
  const params = [...formParams(search)].map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]);
  params.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1));
  return params.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Verify an AWS Signature Version 4 request the way AWS does, so that a wrong secret key fails with
 * SignatureDoesNotMatch and an unknown key id with InvalidClientTokenId — the errors users meet for real.
 */
export function verifySigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  body: Buffer,
  credentials: LocalCredential[],
): LocalCredential {
  const auth = req.headers.authorization;
  if (!auth) throw new AwsFault(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) throw new AwsFault(400, 'IncompleteSignature', 'Authorization header is not a valid AWS Signature Version 4 header');
  const [, keyId, scope, signedHeaders, signature] = m as unknown as [string, string, string, string, string];
  const cred = credentials.find((c) => c.accessKeyId === keyId);
  if (!cred) throw new AwsFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const url = new URL(req.url, 'http://local');
  const headerLines = signedHeaders.split(';').map((h) => {
    const v = req.headers[h];
    return `${h}:${(Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ')}\n`;
  });
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256(body));
  const canonical = [req.method, canonicalUri(url.pathname), canonicalQuery(url.search), headerLines.join(''), signedHeaders, payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const [date = '', region = '', service = ''] = scope.split('/');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${cred.secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AwsFault(403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return cred;
}
