import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJUnit, writeJUnit } from '../../src/report/junit.js';
import type { ReportModel } from '../../src/report/model.js';
import { XSS, replayModel, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';

interface XmlCase { '@_classname': string; '@_name': string; failure?: { '@_message': string; '@_type': string }; error?: { '@_message': string } }
interface XmlSuite { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; testcase: XmlCase[] }

function parse(xml: string): { suites: XmlSuite[]; root: Record<string, string> } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml);
  return { suites: doc.testsuites.testsuite, root: doc.testsuites };
}

/** What the model says JUnit must hold: one case per smoke check, threshold, comparison and phase run. */
function expected(m: ReportModel) {
  const s = m.scenarios;
  const checks = s.flatMap((x) => x.configurations.flatMap((c) => (c.smoke ? [c.smoke.health, ...(c.smoke.test ? [c.smoke.test] : [])] : [])));
  const thresholds = s.flatMap((x) => x.thresholds);
  const comparisons = s.flatMap((x) => x.comparisons);
  const runs = s.flatMap((x) => x.configurations.flatMap((c) => c.phases));
  return {
    tests: checks.length + thresholds.length + comparisons.length + runs.length,
    failures: checks.filter((c) => !c.pass).length + thresholds.filter((t) => !t.pass).length + comparisons.filter((c) => !c.pass).length,
    errors: runs.filter((r) => !r.validity.valid).length,
  };
}

describe('JUnit', () => {
  it('holds one testcase per check, threshold, comparison and run, and parses back', () => {
    const m = scenariosModel(true);
    const { suites, root } = parse(renderJUnit(m));
    const cases = suites.flatMap((s) => s.testcase);
    const want = expected(m);
    expect(want.failures).toBeGreaterThan(0);
    expect(cases).toHaveLength(want.tests);
    expect(cases.filter((c) => c.failure)).toHaveLength(want.failures);
    expect(cases.filter((c) => c.error)).toHaveLength(want.errors);
    expect(Number(root['@_tests'])).toBe(want.tests);
    expect(Number(root['@_failures'])).toBe(want.failures);
    expect(suites.map((s) => s['@_name'])).toEqual(m.scenarios.map((s) => s.name));
    for (const s of suites) expect(Number(s['@_tests'])).toBe(s.testcase.length);
  });

  it('says why each failure failed, with hostile names intact after escaping', () => {
    const m = scenariosModel(true);
    const { suites } = parse(renderJUnit(m));
    const cases = suites.flatMap((s) => s.testcase);
    const test = cases.find((c) => c['@_name'] === 'maintenance /test')!;
    expect(test.failure!['@_message']).toContain('maintenance is in-maintenance');
    expect(test.failure!['@_message']).toContain('render-page: HTTP 503: in maintenance');
    const cmp = cases.find((c) => c['@_classname'] === 'shadowtap.a-b.comparisons' && c['@_name'].includes('p99'))!;
    expect(cmp.failure!['@_message']).toMatch(/^worse: build-b .* 95% CI \[\+/);
    // The hostile configuration name comes back exactly as it went in.
    expect(cases.some((c) => c['@_name'].startsWith(`nginx${XSS.img} `))).toBe(true);
  });

  it('reports an invalid run as an error, and replay targets as cases', async () => {
    const m = replayModel(true);
    const invalid: ReportModel = { ...m, replay: { ...m.replay!, summary: { ...m.replay!.summary, validity: { ...m.replay!.summary.validity, valid: false, reasons: ['schedule lag p99 14 ms > 10 ms'] } } } };
    const file = join(tempDir('shadowtap-junit-'), 'out', 'junit.xml');
    await writeJUnit(file, invalid);
    const { suites } = parse(await readFile(file, 'utf8'));
    const cases = suites[0]!.testcase;
    // run validity, each target's transport error-rate gate, each target's responses
    expect(cases).toHaveLength(1 + 2 * m.replay!.summary.targets.length);
    expect(cases[0]!.error!['@_message']).toBe('invalid run: schedule lag p99 14 ms > 10 ms');
    expect(cases.filter((c) => /errorRate <= 1 %$/.test(c['@_name']))).toHaveLength(m.replay!.summary.targets.length);
    const failed = cases.filter((c) => c.failure && c['@_classname'] === 'shadowtap.replay' && !/errorRate/.test(c['@_name']));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure!['@_message']).toContain('body:$.user.email: 12 differing');
  });

  it('drops characters XML 1.0 cannot carry', () => {
    const m = scenariosModel();
    const bad = { ...m, title: 'bell\u0007 and nul\u0000' };
    const { root } = parse(renderJUnit(bad));
    expect(root['@_name']).toBe('bell and nul');
  });
});
