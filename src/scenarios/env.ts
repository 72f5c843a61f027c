import type { FieldPath } from '../config/yaml-source.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingEnvError extends Error {
  constructor(
    readonly path: FieldPath,
    readonly variable: string,
  ) {
    super(`environment variable ${variable} is not set (write \${${variable}:-default} for a default)`);
  }
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML value, so one file serves
 * local runs, CI and the demo (which passes its services' URLs this way). Keys are left alone.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: FieldPath = []): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new MissingEnvError(path, name);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k])]));
  }
  return value;
}
