import type { core } from 'zod';
import { InputError } from '../errors.js';
import { MissingEnvError, substituteEnv } from './env.js';
import { normalize } from './normalize.js';
import { scenariosFileSchema } from './schema.js';
import type { ScenariosSpec } from './spec.js';
import { YamlSource } from '../config/yaml-source.js';

const MAX_LISTED = 8;

/** Reads, validates and normalises scenarios.yaml. Every problem is an InputError naming file:line:col and field. */
export async function loadScenarios(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ScenariosSpec> {
  return parseScenarios(await YamlSource.read(file), env);
}

export function parseScenarios(src: YamlSource, env: NodeJS.ProcessEnv = process.env): ScenariosSpec {
  let raw: unknown;
  try {
    raw = substituteEnv(src.toJS(), env);
  } catch (err) {
    if (err instanceof MissingEnvError) throw src.error(err.path, err.message);
    throw err;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${src.file}:1:1: expected a mapping with configurations and scenarios`);
  }
  const parsed = scenariosFileSchema.safeParse(raw);
  if (!parsed.success) throw issuesError(src, parsed.error.issues);
  return normalize(parsed.data, src);
}

function issuesError(src: YamlSource, issues: core.$ZodIssue[]): InputError {
  const lines = issues.flatMap((i): string[] => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => src.error(path, 'unknown key', k).message);
    if (i.code === 'invalid_type' && i.message.includes('received undefined')) return [src.error(path, `missing (expected ${i.expected})`).message];
    return [src.error(path, i.message.replace(/^Invalid input: /, '')).message];
  });
  const shown = lines.slice(0, MAX_LISTED);
  if (lines.length > MAX_LISTED) shown.push(`… and ${lines.length - MAX_LISTED} more`);
  return new InputError(shown.join('\n'));
}
