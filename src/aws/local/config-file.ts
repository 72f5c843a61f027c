import { YamlSource } from '../../config/yaml-source.js';
import { localElbConfigSchema, type LocalElbConfig } from './config.js';

/** Read a local-elb configuration (YAML or JSON); every problem names file:line:col and the field. */
export async function loadLocalElbConfig(file: string): Promise<LocalElbConfig> {
  // The same reader as scenarios.yaml and agent.yaml: size cap, file:line on a syntax error, alias limit.
  const src = await YamlSource.read(file);
  const r = localElbConfigSchema.safeParse(src.toJS() ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') throw src.error(path, 'unknown field', issue.keys[0]);
    throw src.error(path, issue.message);
  }
  return r.data;
}
