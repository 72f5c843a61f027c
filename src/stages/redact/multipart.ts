import { redactJson } from './json.js';
import { redactPairs, type Hash, type IsSecret } from './url.js';

const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i;
const NAME = /;\s*name=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i;

/**
 * multipart/form-data: a part whose field name is secret has its content hashed; a JSON or urlencoded
 * part is redacted field by field. Boundaries, part headers and file parts stay as they were.
 */
export function redactMultipart(contentType: string, text: string, isSecret: IsSecret, hash: Hash): string {
  const m = BOUNDARY.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return text;
  const parts = text.split(`--${boundary}`);
  let changed = false;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    let sep = part.indexOf('\r\n\r\n');
    let sepLen = 4;
    if (sep < 0) [sep, sepLen] = [part.indexOf('\n\n'), 2];
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const tail = part.endsWith('\r\n') ? 2 : part.endsWith('\n') ? 1 : 0;
    const content = part.slice(sep + sepLen, part.length - tail);
    const n = NAME.exec(head.replace(/filename\*?=/gi, 'file='));
    const name = n?.[1] ?? n?.[2];
    const type = /content-type:\s*([^\r\n;]*)/i.exec(head)?.[1]?.toLowerCase() ?? '';
    let red = content;
    if (name !== undefined && isSecret(name)) red = hash(content);
    else if (type.includes('json')) red = redactJson(content, isSecret, hash);
    else if (type.startsWith('application/x-www-form-urlencoded')) red = redactPairs(content, '&', isSecret, hash);
    if (red !== content) {
      parts[i] = part.slice(0, sep + sepLen) + red + part.slice(part.length - tail);
      changed = true;
    }
  }
  return changed ? parts.join(`--${boundary}`) : text;
}
