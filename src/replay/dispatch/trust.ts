import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { InputError } from '../../errors.js';
import { PEM_CERT } from './extra-ca.js';

/**
 * The text of a `--ca` file, refused (exit 2) unless it holds PEM certificates that parse: a file
 * without one would make every TLS target fail verification, which reads as the target's fault.
 */
export function readCa(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--ca ${path}: ${(err as Error).message}`);
  }
  const certs = text.match(PEM_CERT);
  if (!certs) throw new InputError(`--ca ${path}: no PEM certificate found`);
  certs.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new InputError(`--ca ${path}: certificate ${i + 1} is not valid: ${(err as Error).message}`);
    }
  });
  return certs.join('\n');
}
