import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import { runLoad } from '../../src/replay/engine.js';
import { setExtraCaFile } from '../../src/replay/dispatch/extra-ca.js';
import type { RequestResult, TargetOptions } from '../../src/replay/types.js';
import { selfSignedCert } from '../helpers/replay-proxy.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

// Two unrelated trust anchors (each server's certificate is its own CA): one given by --ca, the other
// trusted the way Node trusts NODE_EXTRA_CA_CERTS.
const dir = tempDir('shadowtap-ca-trust-');
const [a, b] = ['a', 'b'].map((n) => (mkdirSync(join(dir, n)), selfSignedCert(join(dir, n))));

async function one(targets: TargetOptions[]): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  await runLoad({ schedule: [{ intendedUs: 0, id: '0', method: 'GET', target: '/', headers: [] }], targets, pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000, warmUp: false });
  return results.sort((x, y) => x.target - y.target);
}

describe('--ca adds to the default trust', () => {
  const servers: Server[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    for (const c of [a!, b!]) {
      const s = createServer({ cert: c.cert, key: c.key }, (_req, res) => res.end('ok'));
      servers.push(s);
      urls.push(`https://127.0.0.1:${await listenLoopback(s)}`);
    }
  });
  afterAll(async () => {
    setExtraCaFile(undefined);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('a target trusted by NODE_EXTRA_CA_CERTS stays trusted beside one trusted by --ca', async () => {
    setExtraCaFile(b!.certPath);
    try {
      const results = await one(urls.map((url) => ({ url, ca: a!.certPath })));
      expect(results.map((r) => [r.status, r.error, r.reason])).toEqual([
        [200, undefined, undefined],
        [200, undefined, undefined],
      ]);
    } finally {
      setExtraCaFile(undefined);
    }
  });

  it('a --ca file without a PEM certificate, or with a broken one, is refused naming it (exit 2)', async () => {
    const none = join(dir, 'none.pem');
    writeFileSync(none, 'hello\n');
    await expect(one([{ url: urls[0]!, ca: none }])).rejects.toMatchObject({ name: 'InputError', message: `--ca ${none}: no PEM certificate found` });
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, `${a!.cert}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`);
    await expect(one([{ url: urls[0]!, ca: broken }])).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(new RegExp(`^--ca ${broken}: certificate 2 is not valid: `)) });
  });
});
