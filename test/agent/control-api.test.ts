import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, until, type RunningAgent } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-control-');

/** The Prometheus text format (0.0.4), line by line: HELP/TYPE comments, then samples of declared metrics. */
function parsePrometheus(text: string): Map<string, { type: string; samples: { labels: string; value: number }[] }> {
  const out = new Map<string, { type: string; samples: { labels: string; value: number }[] }>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\n"])*"`;
  const sample = new RegExp(`^(${name})(\\{(?:${label})(?:,${label})*\\})? (-?[0-9.eE+]+|NaN|\\+Inf|-Inf)$`);
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${name}) .+$`).exec(line))) continue;
    if ((m = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      expect(out.has(m[1]!), `TYPE declared twice for ${m[1]}`).toBe(false);
      out.set(m[1]!, { type: m[2]!, samples: [] });
      continue;
    }
    m = sample.exec(line);
    expect(m, `not a Prometheus sample line: ${line}`).not.toBeNull();
    const family = out.get(m![1]!);
    expect(family, `sample before its TYPE: ${line}`).toBeDefined();
    family!.samples.push({ labels: m![2] ?? '', value: Number(m![3]) });
  }
  return out;
}

describe('agent control API', () => {
  let upstream: EchoServer;
  let agent: RunningAgent;
  const out = join(dir, 'files');

  beforeAll(async () => {
    upstream = await startEchoServer();
    agent = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, files: { dir: out, gzip: false } });
  });
  afterAll(async () => {
    await agent?.stop();
    await upstream.close();
  });

  it('answers 401 without the token or with a wrong one, on every route but a bare GET /health', async () => {
    for (const [method, path] of [['GET', '/status'], ['GET', '/metrics'], ['POST', '/rotate'], ['POST', '/pause'], ['POST', '/resume'], ['POST', '/health']] as const) {
      const none = await agent.api(method, path, null);
      expect(none.status, `${method} ${path}`).toBe(401);
    }
    for (const [method, path] of [['GET', '/health'], ['GET', '/status'], ['GET', '/metrics'], ['POST', '/rotate'], ['POST', '/pause'], ['POST', '/resume']] as const) {
      const wrong = await agent.api(method, path, 'not-the-token-at-all');
      expect(wrong.status, `${method} ${path}`).toBe(401);
    }
    const ok = await agent.api('GET', '/health');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', reasons: [] });
  });

  it('serves a liveness probe without the token: GET /health, the status word and nothing more', async () => {
    const probe = await agent.api('GET', '/health', null);
    expect(probe.status).toBe(200);
    expect(probe.json()).toEqual({ status: 'ok' });
  });

  it('pauses, resumes, rotates (POST and SIGHUP), and serves metrics that parse as Prometheus text', async () => {
    const hit = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await (await request(`http://127.0.0.1:${agent.proxyPort}/p/${i}`)).body.text();
    };
    await hit(5);
    expect((await agent.api('POST', '/pause')).json()).toEqual({ paused: true });
    await hit(3);
    await agent.api('POST', '/resume');
    await hit(4);
    const status = await until(async () => (await agent.api('GET', '/status')).json().files.written === 9, 5000);
    expect(status).toBe(true);
    const s = (await agent.api('GET', '/status')).json();
    expect(s).toMatchObject({ captured: 12, pausedDropped: 3, paused: false, files: { written: 9, degraded: false } });

    expect((await agent.api('POST', '/rotate')).status).toBe(200);
    await until(() => readdirSync(out).filter((n) => n.endsWith('.jsonl')).length === 1, 5000);
    await hit(2);
    await until(async () => (await agent.api('GET', '/status')).json().files.written === 11, 5000);
    agent.cli.child.kill('SIGHUP');
    expect(await until(() => readdirSync(out).filter((n) => n.endsWith('.jsonl') && !n.includes('partial')).length === 2, 5000)).toBe(true);

    const res = await agent.api('GET', '/metrics');
    expect(res.status).toBe(200);
    const m = parsePrometheus(res.text);
    expect(m.get('shadowtap_agent_exchanges_captured_total')).toEqual({ type: 'counter', samples: [{ labels: '', value: 14 }] });
    expect(m.get('shadowtap_agent_exchanges_paused_dropped_total')?.samples[0]?.value).toBe(3);
    expect(m.get('shadowtap_agent_files_rotated_total')?.samples[0]?.value).toBe(2);
    expect(m.get('shadowtap_agent_file_exchanges_dropped_total')?.samples.map((x) => x.labels)).toEqual(['{reason="queue_full"}', '{reason="disk"}', '{reason="stop"}']);
    expect(m.get('shadowtap_agent_up')?.type).toBe('gauge');
  });
});
