import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../errors.js';

/** A secret value: `env:NAME`, `file:PATH`, or (in a file only) the value itself. */
const secret = z.string().min(1);

/** How a replay talks to one staging target. The same shape in a `--staging FILE` and under a scenarios.yaml target. */
export const stagingSchema = z.strictObject({
  credentials: z.strictObject({
    /** `redacted:<hash>` → staging credential, inline or a YAML/JSON file of that map. */
    map: z.union([z.string(), z.record(z.string().regex(/^redacted:[0-9a-f]{16}$/, 'expected redacted:<16 hex>'), secret)]).optional(),
    /** Header name → value for requests whose recorded credential is not in the map. */
    default: z.record(z.string(), secret).optional(),
  }).optional(),
  oauth2: z.strictObject({
    tokenUrl: z.string().regex(/^https?:\/\//, 'expected an http(s) URL'),
    grant: z.enum(['client_credentials', 'refresh_token']).default('client_credentials'),
    clientId: z.string().optional(),
    clientSecret: secret.optional(),
    refreshToken: secret.optional(),
    scope: z.string().optional(),
    /** Header the token goes into ("Authorization: Bearer …"); only requests that carried it when recorded, unless `all`. */
    header: z.string().default('authorization'),
    all: z.boolean().default(false),
    /** Refresh this long before expiry (ms). */
    refreshBeforeMs: z.number().int().min(0).default(2000),
  }).optional(),
  sessions: z.strictObject({
    /** Cookie names that identify a recorded session. */
    cookies: z.array(z.string()).optional(),
    /** Instead: a request header whose recorded value is the session key. */
    header: z.string().optional(),
  }).optional(),
  /** Values taken from a session's responses and put into its later requests. */
  extract: z.array(z.strictObject({
    from: z.string().regex(/^(header|json|html-input):.+/, 'expected header:NAME, json:$.path or html-input:NAME'),
    to: z.string().regex(/^(header|form|json):.+/, 'expected header:NAME, form:FIELD or json:FIELD'),
  })).optional(),
  /** Writes (POST, PUT, PATCH, DELETE) to this target: none, or only these ("METHOD", "regex", "METHOD regex"). */
  writes: z.union([z.literal(false), z.strictObject({ allow: z.array(z.string()) })]).optional(),
  plugins: z.array(z.string()).optional(),
});

export type StagingConfig = z.infer<typeof stagingSchema>;

/** A staging config plus where its relative paths start. */
export interface StagingSource {
  config: StagingConfig;
  baseDir: string;
  where: string;
}

/** Reads a `--staging FILE` (YAML or JSON); every problem names the file and field (exit 2). */
export function loadStagingFile(path: string): StagingSource {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`--staging ${path}: ${(err as Error).message}`);
  }
  return { config: checkStaging(raw, path), baseDir: dirname(resolve(path)), where: path };
}

export function checkStaging(raw: unknown, where: string): StagingConfig {
  const r = stagingSchema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${where}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return r.data;
}

/** A credential map file: `redacted:<hash>: value` lines (YAML or JSON). */
export function loadMapFile(path: string, where: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${where}: ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const r = z.record(z.string().regex(/^redacted:[0-9a-f]{16}$/, 'expected keys redacted:<16 hex>'), secret).safeParse(raw ?? {});
  if (!r.success) throw new InputError(`${where}: ${path}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`);
  return r.data;
}
