// What cli/main.ts does at the edge, done for the test process: in-process pipelines then redact with
// the same key (vitest.config.ts env) as the CLI processes the tests spawn, so their outputs compare.
import { setProcessKey } from '../../src/stages/redact/index.js';

setProcessKey(process.env.SHADOWTAP_REDACT_KEY);
