import { randomUUID } from 'node:crypto';

/**
 * XML the AWS SDK's awsQuery / ec2Query deserializers read: `<{Action}Response xmlns=…><{Action}Result>…`
 * with lists as `<member>` (ELBv2) or `<item>` (EC2) elements, and `ErrorResponse` / `Response/Errors` documents.
 */
export const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
export const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** A value tree: strings/numbers/booleans are leaves, arrays are lists, objects are structures. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [k: string]: XmlValue };

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** Serialise `value` under `name`; `listItem` is the element used for list members. */
export function toXml(name: string, value: XmlValue, listItem = 'member'): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml(listItem, v, listItem)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value).map(([k, v]) => toXml(k, v, listItem)).join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function queryResponse(action: string, result: Record<string, XmlValue>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ELB_NS}">${toXml(`${action}Result`, result)}` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

/** EC2 responses have no Result wrapper and use `<item>` lists. */
export function ec2Response(action: string, result: Record<string, XmlValue>): string {
  const inner = Object.entries(result).map(([k, v]) => toXml(k, v, 'item')).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${randomUUID()}</requestId>${inner}</${action}Response>`;
}

/** An AWS error: HTTP status, query error code (e.g. TargetGroupNotFound) and message. */
export class AwsFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

export function queryErrorDocument(f: AwsFault): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ELB_NS}"><Error><Type>${f.type}</Type>` +
    `<Code>${escapeXml(f.code)}</Code><Message>${escapeXml(f.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

export function ec2ErrorDocument(f: AwsFault): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(f.code)}</Code>` +
    `<Message>${escapeXml(f.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}
