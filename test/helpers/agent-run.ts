/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the agent, checked field by field by the tests */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { request } from 'undici';
import { spawnCli, type Cli } from './agent-servers.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface RunningAgent {
  cli: Cli;
  control: string;
  proxyPort?: number;
  api: (method: 'GET' | 'POST', path: string, token?: string | null) => Promise<{ status: number; text: string; json: () => any }>;
  /** SIGTERM, then the exit code; the last "agent stopped" log record. */
  stop: () => Promise<{ code: number | null; final: any }>;
}

/** Writes agent.yaml (control on 127.0.0.1:0 with TOKEN unless given) and starts `shadowtap agent`. */
export async function startAgent(dir: string, config: Record<string, unknown>, name = 'agent.yaml'): Promise<RunningAgent> {
  const file = join(dir, name);
  writeFileSync(file, stringify({ control: { listen: '127.0.0.1:0', token: TOKEN }, ...config }));
  const cli = spawnCli(['agent', '--config', file]);
  const started = await Promise.race([cli.waitFor(/"msg":"agent started"/, 30_000).then(() => true), cli.exit.then(() => false)]);
  if (!started) throw new Error(`agent exited early:\n${cli.stderr()}`);
  const rec = records(cli.stderr()).find((r) => r.msg === 'agent started');
  const control = `http://${rec.control}`;
  const api: RunningAgent['api'] = async (method, path, token = TOKEN) => {
    const res = await request(control + path, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const text = await res.body.text();
    return { status: res.statusCode, text, json: () => JSON.parse(text) };
  };
  return {
    cli,
    control,
    ...(rec.proxyPort ? { proxyPort: rec.proxyPort } : {}),
    api,
    stop: async () => {
      if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
      const code = await cli.exit;
      return { code, final: records(cli.stderr()).find((r) => r.msg === 'agent stopped') };
    },
  };
}

/** pino JSON lines of stderr (other lines ignored). */
export function records(stderr: string): any[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return {};
      }
    });
}

export async function until(cond: () => Promise<boolean> | boolean, ms: number, stepMs = 100): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}
