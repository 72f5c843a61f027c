import { describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeExchanges } from '../../src/io/open.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleExchange } from '../helpers/exchanges.js';

const dir = tempDir();

async function* two(): AsyncGenerator<ReturnType<typeof sampleExchange>> {
  yield sampleExchange(1);
  yield sampleExchange(2);
}

describe('files written from captured traffic are mode 0600', () => {
  for (const name of ['out.jsonl', 'out.jsonl.gz', 'out.har', 'out.gor']) {
    it(`${name}: also when the file already existed with a wider mode`, async () => {
      const path = join(dir, name);
      writeFileSync(path, 'old', { mode: 0o644 });
      expect(statSync(path).mode & 0o777).toBe(0o644);
      expect(await writeExchanges(path, two())).toBe(2);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    });
  }
});
