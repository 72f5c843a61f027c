/** The report module: one model (model.ts) rendered to HTML, summary.json and JUnit. */
export * from './model.js';
export { writeReport } from './write.js';
export { renderHtml } from './html/page.js';
export { renderJUnit, writeJUnit } from './junit.js';
export { distributionFromHistogram, distributionFromPercentiles, DISTRIBUTION_PERCENTILES } from './distribution.js';
export { exitCodeForVerdict, scenarioVerdict, withVerdict, worstVerdict } from './verdict.js';
export { replayReportModel, validityOf, type ReplayReportOptions } from './from-replay.js';
export { loadReportModel } from './load.js';
