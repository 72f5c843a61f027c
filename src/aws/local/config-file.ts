import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InputError } from '../../errors.js';
import { localElbConfigSchema, type LocalElbConfig } from './config.js';

/** Read a local-elb configuration (YAML or JSON); every problem names the file and the field. */
export async function loadLocalElbConfig(file: string): Promise<LocalElbConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = localElbConfigSchema.safeParse(doc ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}
