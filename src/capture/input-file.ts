import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';

export interface PcapInputOptions {
  onWarning?: ((message: string) => void) | undefined;
}

// Placeholder until the packet pipeline lands (issue 2): the CLI says so instead of failing obscurely.
export function exchangesFromPcapFile(path: string, _opts: PcapInputOptions = {}): AsyncIterable<Exchange> {
  throw new InputError(`${path}: pcap input is not available yet`);
}
