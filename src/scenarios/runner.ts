import { InputError, InvalidRunError } from '../errors.js';
import { REPORT_SCHEMA, type ReportModel, type ScenarioReport } from '../report/model.js';
import { withVerdict } from '../report/verdict.js';
import { LocalServices } from './processes.js';
import { Progress } from './progress.js';
import { runScenario } from './scenario.js';
import type { ScenariosSpec } from './spec.js';
import type { ValidityLimits } from '../replay/types.js';
import type { SpreadOptions } from './spread/spread-phase.js';

export interface RunScenariosOptions {
  /** Run only these scenarios (by name). */
  only?: string[];
  /** Configuration name → base URL: used instead of its baseUrl, and its start command is skipped. */
  baseUrls?: Record<string, string>;
  progress?: Progress;
  signal?: AbortSignal;
  toolVersion?: string;
  /** Validity limits over every scenario's own (CI sets its gate from the command line). */
  validity?: ValidityLimits;
  /** Where phases with `workers: N` find their workers (`run --coordinator`). */
  spread?: SpreadOptions;
}

/**
 * Runs the scenarios of a file in order and returns the report model (verdict and exit code
 * included). Local services it started are stopped whatever happens.
 */
export async function runScenarios(spec: ScenariosSpec, opts: RunScenariosOptions = {}): Promise<ReportModel> {
  const progress = opts.progress ?? new Progress();
  const wanted = opts.only?.length ? new Set(opts.only) : undefined;
  for (const n of wanted ?? []) if (!spec.scenarios.some((s) => s.name === n)) throw new InputError(`--only ${n}: no scenario of that name in ${spec.file} (have: ${spec.scenarios.map((s) => s.name).join(', ')})`);
  for (const n of Object.keys(opts.baseUrls ?? {})) if (!spec.configurations.has(n)) throw new InputError(`no configuration named "${n}" in ${spec.file}`);
  const services = new LocalServices();
  const scenarios: ScenarioReport[] = [];
  const reasons: string[] = [];
  try {
    for (const s of spec.scenarios) {
      if (wanted && !wanted.has(s.name)) continue;
      if (opts.signal?.aborted) break;
      progress.log(`scenario ${s.name}${s.description ? `: ${s.description}` : ''}`);
      const r = await runScenario(opts.validity ? { ...s, validity: { ...s.validity, ...opts.validity } } : s, {
        progress,
        configurations: spec.configurations,
        signal: opts.signal,
        ...(opts.spread ? { spread: opts.spread } : {}),
        urlOf: async (c) => opts.baseUrls?.[c.name] ?? (await services.ensure(c, s.smoke?.health?.path ?? '/')),
      }).catch((err: unknown) => {
        // A configuration that would not start makes this scenario invalid; the others still run.
        if (!(err instanceof InvalidRunError)) throw err;
        const report: ScenarioReport = { name: s.name, verdict: 'invalid', configurations: [], thresholds: [], comparisons: [] };
        return { report, reasons: [`${s.name}: ${err.message}`] };
      });
      progress.log(`scenario ${s.name}: ${r.report.verdict}`);
      scenarios.push(r.report);
      reasons.push(...r.reasons);
    }
  } finally {
    await services.stopAll();
  }
  return withVerdict({
    schema: REPORT_SCHEMA,
    kind: 'scenarios',
    title: `shadowtap scenarios: ${spec.file}`,
    generatedAt: new Date().toISOString(),
    source: spec.file,
    ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}),
    reasons,
    scenarios,
  });
}
