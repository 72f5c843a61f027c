import { readFile } from 'node:fs/promises';
import { parseStreamUrl } from '../streams/url.js';
import { z } from 'zod';
import type { Settings } from '../config/settings.js';
import { YamlSource } from '../config/yaml-source.js';
import { durationInMs, rate, size } from '../units/schema.js';
import { isLoopback } from './loopback.js';
import { httpUrlProblem, listenProblem } from '../capture/proxy/address.js';
import { DEFAULT_ROTATION as D } from '../io/outputs/rotating.js';

/** 1048576, "1MiB", "500MB" → bytes (the one unit grammar, src/units). */
const bytes = size({ min: 1 });
/** "500ms", "10s", "5m", "1h", "1h30m" → ms. */
const duration = durationInMs();
/** A field checked by one of the proxy's rules, so that --check refuses exactly what starting would. */
const checkedBy = (problem: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const why = problem(v);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
const hostPort = checkedBy(listenProblem);
const httpUrl = checkedBy(httpUrlProblem);

const live = z.strictObject({
  interface: z.string().min(1),
  ports: z.array(z.number().int().min(1).max(65535)).default([]),
  bpf: z.string().optional(),
  bufferKiB: z.number().int().positive().default(32768),
  tcpdump: z.string().optional(),
});
const proxy = z.strictObject({ listen: hostPort, upstream: httpUrl, queue: z.number().int().positive().default(10_000), requestTimeout: duration.default(300_000) });

export const agentConfigSchema = z.strictObject({
  source: z
    .strictObject({ live: live.optional(), proxy: proxy.optional() })
    .refine((s) => (s.live ? 1 : 0) + (s.proxy ? 1 : 0) === 1, 'give exactly one of source.live or source.proxy'),
  maxBodyBytes: bytes.default(1 << 20),
  redact: z
    .strictObject({ enabled: z.boolean().default(true), headers: z.array(z.string()).default([]), queryParams: z.array(z.string()).default([]), keyFile: z.string().optional() })
    .default({ enabled: true, headers: [], queryParams: [] }),
  files: z
    .strictObject({
      dir: z.string().min(1),
      prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default(D.prefix),
      maxFileBytes: bytes.default(D.maxFileBytes),
      rotateEvery: duration.default(D.rotateEveryMs),
      gzip: z.boolean().default(D.gzip),
      maxTotalBytes: bytes.default(D.maxTotalBytes),
      queue: z.number().int().positive().default(D.queueCapacity),
      retry: duration.default(D.retryMs),
    })
    // A cap below one file deletes every file as soon as it is finished.
    .refine((f) => f.maxTotalBytes >= f.maxFileBytes, { message: 'maxTotalBytes is less than maxFileBytes: every file would be deleted as soon as it is finished', path: ['maxTotalBytes'] })
    .optional(),
  mirror: z
    .strictObject({
      targets: z.array(z.strictObject({ url: httpUrl, proxy: httpUrl.optional() })).min(1),
      samplePercent: z.number().min(0).max(100).default(100),
      maxRate: rate().optional(),
      queue: z.number().int().positive().default(1000),
      connections: z.number().int().positive().default(16),
      timeout: duration.default(10_000),
    })
    .optional(),
  /** Publish every (redacted) exchange into a Redis stream: redis://[user:pass@]host:port/STREAM, rediss:// for TLS. */
  stream: z.strictObject({ url: z.string().regex(/^rediss?:\/\//i, 'a redis:// or rediss:// URL'), maxlen: z.number().int().positive().optional(), queue: z.number().int().positive().optional() }).optional(),
  control: z
    .strictObject({
      listen: hostPort.default('127.0.0.1:9464'),
      token: z.string().min(16, 'at least 16 characters').optional(),
      tokenFile: z.string().optional(),
      allowNonLoopback: z.boolean().default(false),
    })
    .default({ listen: '127.0.0.1:9464', allowNonLoopback: false }),
  supervise: z.strictObject({ restartMin: duration.default(1000), restartMax: duration.default(30_000) }).default({ restartMin: 1000, restartMax: 30_000 }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type AgentConfig = z.infer<typeof agentConfigSchema> & { control: { token: string } };

/**
 * Reads and validates agent.yaml; every problem is an InputError naming file:line:col and the field.
 * `settings` (config/settings.ts, read by the CLI) gives the token when the file names none.
 */
export async function loadAgentConfig(file: string, settings: Pick<Settings, 'agentToken'>): Promise<AgentConfig> {
  const src = await YamlSource.read(file);
  return parseAgentConfig(src, settings);
}

export async function parseAgentConfig(src: YamlSource, settings: Pick<Settings, 'agentToken'>): Promise<AgentConfig> {
  const parsed = agentConfigSchema.safeParse(src.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') throw src.error(path, `unknown field (known: ${knownKeys(path).join(', ')})`, issue.keys[0]);
    throw src.error(path, issue.message);
  }
  const cfg = parsed.data;
  let token = cfg.control.token ?? settings.agentToken;
  if (cfg.control.tokenFile) {
    try {
      token = (await readFile(cfg.control.tokenFile, 'utf8')).trim();
    } catch (err) {
      throw src.error(['control', 'tokenFile'], `cannot read ${cfg.control.tokenFile} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
  if (!token || token.length < 16) throw src.error(['control'], 'a bearer token of at least 16 characters is required: control.token, control.tokenFile or env SHADOWTAP_AGENT_TOKEN');
  const controlHost = cfg.control.listen.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!isLoopback(controlHost) && !cfg.control.allowNonLoopback) {
    throw src.error(['control', 'listen'], `${controlHost} is not a loopback address; the control API can pause capture, so set control.allowNonLoopback: true to expose it deliberately`);
  }
  if (!cfg.files && !cfg.mirror && !cfg.stream) throw src.error([], 'nothing to do: configure files, mirror, stream, or several');
  if (cfg.stream) {
    try {
      parseStreamUrl(cfg.stream.url);
    } catch (err) {
      throw src.error(['stream', 'url'], (err as Error).message);
    }
  }
  if (cfg.supervise.restartMax < cfg.supervise.restartMin) throw src.error(['supervise', 'restartMax'], 'must be >= restartMin');
  return { ...cfg, control: { ...cfg.control, token } };
}

function knownKeys(path: (string | number)[]): string[] {
  let schema: z.ZodType = agentConfigSchema;
  for (const p of path) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) schema = (inner.shape as Record<string, z.ZodType>)[String(p)] ?? inner;
    else if (inner instanceof z.ZodArray) schema = inner.element as z.ZodType;
  }
  const obj = unwrap(schema);
  return obj instanceof z.ZodObject ? Object.keys(obj.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  for (let i = 0; i < 5; i++) {
    const def = (cur as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType } }).def;
    const next = def.innerType ?? def.in;
    if (!next) break;
    cur = next;
  }
  return cur;
}

