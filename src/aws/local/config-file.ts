import { InputError } from '../../errors.js';
import { YamlSource } from '../../config/yaml-source.js';
import { localElbConfigSchema, type LocalElbConfig } from './config.js';

/** Read a local-elb configuration (YAML or JSON); every problem names the file and the field. */
export async function loadLocalElbConfig(file: string): Promise<LocalElbConfig> {
  // The same reader as scenarios.yaml and agent.yaml: size cap, file:line on a syntax error, alias limit.
  const doc = (await YamlSource.read(file)).toJS();
  const r = localElbConfigSchema.safeParse(doc ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}
