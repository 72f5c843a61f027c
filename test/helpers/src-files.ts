import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's TypeScript sources under src/, as absolute paths (for tests that read the tree). */
export const SRC = join(process.cwd(), 'src');

export function* sources(dir: string = SRC): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}
