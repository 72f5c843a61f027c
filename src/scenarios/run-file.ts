import type { ReportModel } from '../report/model.js';
import type { ValidityLimits } from '../replay/types.js';
import { loadScenarios } from './load.js';
import { summaryText } from './print.js';
import { Progress } from './progress.js';
import { runScenarios } from './runner.js';
import type { SpreadOptions } from './spread/spread-phase.js';
import { VERSION } from '../version.js';

export interface RunFileOptions {
  only?: string[];
  baseUrls?: Record<string, string>;
  report?: string;
  junit?: string;
  quiet?: boolean;
  /** progress lines even when stderr is not a terminal */
  progress?: boolean;
  /** Prometheus remote-write URL for live per-second metrics */
  metricsRemoteWrite?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream;
  /** Validity limits from the command line, over every scenario's own. */
  validity?: ValidityLimits;
  /** Where phases with `workers: N` find their workers (`run --coordinator`). */
  spread?: SpreadOptions;
}

/** What `shadowtap run` and `shadowtap demo` share: load, run, write the outputs, print the verdict. */
export async function runScenarioFile(file: string, o: RunFileOptions = {}): Promise<ReportModel> {
  const out = o.out ?? process.stdout;
  const spec = await loadScenarios(file, o.env ?? process.env);
  const remoteWrite = o.metricsRemoteWrite ?? spec.metricsRemoteWrite;
  const metrics = remoteWrite ? (await import('../metrics/index.js')).liveMetrics(remoteWrite) : undefined;
  const progress = new Progress(process.stderr, o.quiet, 5000, o.progress ?? Boolean(process.stderr.isTTY), metrics);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  let model: ReportModel;
  try {
    model = await runScenarios(spec, { only: o.only, baseUrls: o.baseUrls, progress, signal: abort.signal, toolVersion: VERSION, ...(o.validity ? { validity: o.validity } : {}), ...(o.spread ? { spread: o.spread } : {}) });
  } finally {
    process.off('SIGINT', stop);
    await metrics?.close();
  }
  if (o.report) {
    const { writeReport } = await import('../report/write.js');
    const { html } = await writeReport(o.report, model);
    progress.log(`report: ${html}`);
  }
  if (o.junit) {
    const { writeJUnit } = await import('../report/junit.js');
    progress.log(`junit: ${await writeJUnit(o.junit, model)}`);
  }
  out.write(o.json ? `${JSON.stringify(model)}\n` : summaryText(model));
  return model;
}
