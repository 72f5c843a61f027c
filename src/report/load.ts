import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { ReplaySummary } from '../replay/types.js';
import { replayReportModel } from './from-replay.js';
import { modelProblem } from './model-schema.js';
import { REPORT_SCHEMA, type ReportModel } from './model.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A report model from a file: a summary.json written by `run --report` (schema shadowtap-report/1),
 * or the `--summary` file of `shadowtap replay` (turned into a model). Anything else is an InputError.
 */
export async function loadReportModel(file: string): Promise<ReportModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message})`);
  }
  if (isObject(v) && v.schema === REPORT_SCHEMA) {
    const problem = modelProblem(v);
    if (problem) throw new InputError(`${file}: ${problem}`);
    return v as unknown as ReportModel;
  }
  if (isObject(v) && Array.isArray(v.targets) && isObject(v.validity) && typeof v.startedAt === 'string') {
    return replayReportModel(v as unknown as ReplaySummary, { captures: [file] });
  }
  throw new InputError(`${file}: neither a report summary ("schema": "${REPORT_SCHEMA}") nor a replay --summary file`);
}
