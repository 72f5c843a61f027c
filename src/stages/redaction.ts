import type { Exchange } from '../exchange.js';
import { createRedactor, type RedactPolicy } from './redact/index.js';
import type { Stage } from './stage.js';

/**
 * The redaction stage (rules in `stages/redact/`): the pump applies it before every sink that writes or
 * prints, exactly once. On unless the policy comes from an explicit --no-redact.
 */
export function redactionStage(policy: RedactPolicy): Stage {
  const redact = createRedactor(policy);
  let changed = 0;
  return {
    name: 'redact',
    apply(batch: Exchange[]): Exchange[] {
      if (!policy.enabled) return batch;
      const out = new Array<Exchange>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const ex = batch[i]!;
        const r = redact(ex);
        if (r !== ex) changed++;
        out[i] = r;
      }
      return out;
    },
    stats: () => ({ redacted: changed }),
  };
}
