import { readFileSync } from 'node:fs';

// Apart from trust.ts (and its node:crypto) so that the CLI can hand the path over at start-up for
// every command without loading more than this.
export const PEM_CERT = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * NODE_EXTRA_CA_CERTS as config/settings.ts read it, handed here once by the CLI. Node trusts that
 * file by default, but a `ca` list replaces the default trust, so `--ca` has to name it again.
 */
let extraCaFile: string | undefined;

export function setExtraCaFile(path: string | undefined): void {
  extraCaFile = path;
}

/** The certificates of NODE_EXTRA_CA_CERTS; as Node does at start-up, a file it cannot read adds none (Node warned then). */
export function extraCas(): string[] {
  if (extraCaFile === undefined) return [];
  try {
    return readFileSync(extraCaFile, 'utf8').match(PEM_CERT) ?? [];
  } catch {
    return [];
  }
}
