import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { YamlSource } from '../../src/config/yaml-source.js';
import { parseScenarios } from '../../src/scenarios/load.js';

/** Writes a scenarios file into `dir` and returns its path. */
export function writeScenarios(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The InputError message parsing `text` gives (as file "s.yaml"), or "" when it parses. */
export function parseError(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseScenarios(YamlSource.parse('s.yaml', text), env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
