import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { ProxyAgent, request, type Dispatcher } from 'undici';
import type { CheckResult, FieldExpectation, SmokeResult, SmokeState, SmokeTest, TestCheckResult } from '../report/model.js';
import type { SmokeRequirement, SmokeSpec } from './spec.js';

interface Target {
  baseUrl: string;
  proxy?: string;
  headers: { name: string; value: string }[];
}

interface Fetched {
  url: string;
  status?: number;
  json?: unknown;
  error?: string;
  latencyMs: number;
}

async function fetchJson(t: Target, path: string, timeoutMs: number, dispatcher: Dispatcher | undefined): Promise<Fetched> {
  const url = t.baseUrl + path;
  const started = performance.now();
  const latencyMs = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const headers = Object.fromEntries(t.headers.map((h) => [h.name, h.value]));
    const res = await request(url, { headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(dispatcher ? { dispatcher } : {}) });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { url, status: res.statusCode, json, latencyMs: latencyMs() };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { url, error: e.code ? `${e.code}: ${e.message}` : e.message, latencyMs: latencyMs() };
  }
}

/** "a.b" → json.a.b */
function field(json: unknown, path: string): unknown {
  let v: unknown = json;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

function testsOf(json: unknown): SmokeTest[] | undefined {
  const list = field(json, 'Tests');
  if (!Array.isArray(list)) return undefined;
  return list.map((t: Record<string, unknown>) => ({
    name: str(t?.Name) ?? '(unnamed)',
    description: str(t?.Description),
    endpoint: str(t?.Endpoint),
    success: t?.Success === true,
    error: str(t?.Error),
  }));
}

/**
 * /health decides load-balancer membership (status and JSON field expectations); /test decides
 * whether users are served (every Tests[] entry must have Success: true). Health 200 with the
 * maintenance flag set, or /test answering 503, is "in maintenance" — a state, not a fault.
 */
export async function runSmoke(t: Target, spec: SmokeSpec): Promise<SmokeResult> {
  const dispatcher = t.proxy ? new ProxyAgent(t.proxy) : undefined;
  try {
    const h = spec.health ? await fetchJson(t, spec.health.path, spec.timeoutMs, dispatcher) : undefined;
    const expectations: FieldExpectation[] = Object.entries(spec.health?.expect ?? {}).map(([f, expected]) => {
      const actual = field(h?.json, f);
      return { field: f, expected, actual: actual ?? null, pass: isDeepStrictEqual(actual, expected) };
    });
    const health: CheckResult = h
      ? { name: spec.health!.path, url: h.url, pass: !h.error && h.status === spec.health!.status && expectations.every((e) => e.pass), status: h.status, latencyMs: h.latencyMs, error: h.error, expectations }
      : { name: '(none)', url: t.baseUrl, pass: true, expectations: [] };
    if (h && !h.error && h.status === spec.health!.status && h.json === undefined && expectations.length) health.error = 'response is not JSON';

    let test: TestCheckResult | undefined;
    if (spec.test && !h?.error) {
      const r = await fetchJson(t, spec.test.path, spec.timeoutMs, dispatcher);
      const listedTests = testsOf(r.json);
      const tests = listedTests ?? [];
      const listed = listedTests !== undefined;
      const pass = !r.error && r.status === spec.test.status && listed && tests.every((x) => x.success);
      const error = r.error ?? (r.status === spec.test.status && !listed ? 'response has no Tests[] list' : undefined);
      test = { name: spec.test.path, url: r.url, pass, status: r.status, latencyMs: r.latencyMs, error, expectations: [], tests };
    }
    return { state: stateOf(spec, h, health, test), health, ...(test ? { test } : {}) };
  } finally {
    await dispatcher?.close();
  }
}

function stateOf(spec: SmokeSpec, h: Fetched | undefined, health: CheckResult, test: TestCheckResult | undefined): SmokeState {
  if (h?.error) return 'unavailable';
  const flag = spec.health ? field(h?.json, spec.health.maintenanceField) === true : false;
  const answered = !h || h.status === spec.health!.status;
  if (answered && (flag || test?.status === 503)) return 'in-maintenance';
  if (!health.pass) return 'unhealthy';
  if (test && !test.pass) return 'unavailable';
  return 'healthy';
}

/** Could the target be reached at all (an HTTP answer to /health)? */
export const reachable = (s: SmokeResult): boolean => !s.health.error || s.health.status !== undefined;

export function meets(s: SmokeResult, need: SmokeRequirement): boolean {
  if (need === 'reachable') return reachable(s);
  if (need === 'healthy') return s.health.pass;
  return s.state === 'healthy';
}

/** One line on what failed, naming the failing tests and their errors. */
export function smokeProblem(s: SmokeResult): string {
  if (s.health.error) return `${s.health.name}: ${s.health.error}`;
  const parts: string[] = [];
  if (!s.health.pass) {
    const bad = s.health.expectations.filter((e) => !e.pass).map((e) => `${e.field} is ${JSON.stringify(e.actual)}, expected ${JSON.stringify(e.expected)}`);
    parts.push(`${s.health.name} ${s.health.status}${bad.length ? `: ${bad.join('; ')}` : ''}`);
  }
  if (s.test && !s.test.pass) {
    const bad = s.test.tests.filter((t) => !t.success).map((t) => `${t.name}${t.error ? ` (${t.error})` : ''}`);
    parts.push(`${s.test.name} ${s.test.status ?? ''}${s.test.error ? ` ${s.test.error}` : ''}${bad.length ? `: failing ${bad.join(', ')}` : ''}`);
  }
  return `${s.state}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/** Without smoke checks, load still needs a target that answers: any HTTP response will do. */
export async function probe(t: Target, timeoutMs = 5000): Promise<string | null> {
  const dispatcher = t.proxy ? new ProxyAgent(t.proxy) : undefined;
  try {
    const r = await fetchJson(t, '/', timeoutMs, dispatcher);
    return r.error ?? null;
  } finally {
    await dispatcher?.close();
  }
}
