import { stringify } from 'yaml';
import { Agent } from '../../src/agent/agent.js';
import { parseAgentConfig } from '../../src/agent/config.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import type { SinkLog } from '../../src/io/sink.js';
import { TOKEN } from '../helpers/agent-run.js';

export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  msg: string;
  extra: Record<string, unknown>;
}

/** The agent's log kept in memory, with a wait for a line (an event, not a sleep). */
export class RecordingLog {
  readonly records: LogRecord[] = [];
  private waiters: { re: RegExp; nth: number; resolve: (r: LogRecord) => void }[] = [];

  readonly log: SinkLog = (level, msg, extra) => {
    this.records.push({ level, msg, extra: (extra ?? {}) as Record<string, unknown> });
    this.waiters = this.waiters.filter((w) => !this.settle(w));
  };

  count(re: RegExp): number {
    return this.records.filter((r) => re.test(r.msg)).length;
  }

  /** The `nth` (1-based) line whose message matches, once it is logged; rejects after `ms`. */
  line(re: RegExp, nth = 1, ms = 20_000): Promise<LogRecord> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line #${nth} matching ${re} within ${ms} ms: ${JSON.stringify(this.records)}`)), ms);
      const w = { re, nth, resolve: (r: LogRecord) => (clearTimeout(timer), resolve(r)) };
      if (!this.settle(w)) this.waiters.push(w);
    });
  }

  private settle(w: { re: RegExp; nth: number; resolve: (r: LogRecord) => void }): boolean {
    const hit = this.records.filter((r) => w.re.test(r.msg))[w.nth - 1];
    if (hit) w.resolve(hit);
    return hit !== undefined;
  }
}

/** An Agent of this source tree (not dist/), configured as agent.yaml would be, and started. */
export async function startInProcess(config: Record<string, unknown>): Promise<{ agent: Agent; logs: RecordingLog }> {
  const cfg = await parseAgentConfig(YamlSource.parse('agent.yaml', stringify({ control: { listen: '127.0.0.1:0', token: TOKEN }, ...config })), {});
  const logs = new RecordingLog();
  const agent = new Agent(cfg, logs.log);
  await agent.start();
  return { agent, logs };
}
