import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import type { ReadOptions } from './capture-file.js';

// Placeholder until the GoReplay format lands (issue 2).
export function readGorFile(path: string, _opts: ReadOptions = {}): AsyncIterable<Exchange> {
  throw new InputError(`${path}: .gor input is not available yet`);
}
export async function writeGorFile(path: string, _exchanges: AsyncIterable<Exchange>): Promise<number> {
  throw new InputError(`${path}: .gor output is not available yet`);
}
