import { InputError } from '../../errors.js';
import type { ReplayArgs } from '../replay-args.js';
import type { ReplaySummary } from '../types.js';
import { buildStaging } from './build.js';
import { stagingLines } from './report.js';
import type { StagingStage } from './stage.js';

/** The replay's staging stage from its flags: `--staging` files (one for all targets, or one each), map, default credentials, plugins. */
export async function stagingOf(a: ReplayArgs, labels: readonly string[]): Promise<StagingStage> {
  // zod and yaml load only when a file is given (~95 ms CPU of every replay's start-up otherwise).
  const files = a.staging?.length ? a.staging.map((await import('./config.js')).loadStagingFile) : [];
  if (files.length > 1 && files.length !== labels.length) throw new InputError(`--staging: ${files.length} files for ${labels.length} targets; give one for all or one per target`);
  const sources = labels.map((_, i) => files[files.length === 1 ? 0 : i]);
  return buildStaging(labels, sources, { ...(a.credentials ? { credentials: a.credentials } : {}), ...(a.credential ? { credential: a.credential } : {}), ...(a.plugin ? { plugin: a.plugin } : {}) });
}

/** Puts the stage's figures into the summary (hook time beside the generator's validity) and logs token requests (counts only). */
export function addStaging(summary: ReplaySummary, stage: StagingStage): string[] {
  const r = stage.report();
  summary.staging = r;
  if (r.hooks.calls) summary.validity.hooks = r.hooks;
  for (const t of r.targets) if (t.tokenRequests !== undefined) process.stderr.write(`staging: ${t.url}: ${t.tokenRequests} token requests\n`);
  return stagingLines(r);
}
