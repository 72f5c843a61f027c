import { pino } from 'pino';
import type { AgentConfig } from './config.js';
import { Agent } from './agent.js';
import { startControlApi } from './control.js';
import { splitListen } from '../capture/proxy/address.js';
import { safeFields, safeText } from '../stages/redact/index.js';

/**
 * The agent process: start the control API and the agent, then wait for a signal. SIGTERM/SIGINT flush
 * and exit 0; SIGHUP rotates (as logrotate expects). Logs are pino JSON lines on stderr, written
 * synchronously so that the last words before a crash are not lost.
 */
export async function runAgent(cfg: AgentConfig): Promise<void> {
  const logger = pino({ level: cfg.logLevel, base: { app: 'shadowtap-agent', pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
  // Every line goes through here: URLs with a password (upstream, mirror targets, proxies, errors) lose it.
  const log = (level: 'info' | 'warn' | 'error', msg: string, extra?: object): void => logger[level](safeFields(extra ?? {}), safeText(msg));
  // Handlers first: a signal that arrives while starting (or right after the "started" line) must
  // still mean a clean stop, not the default action of dying mid-write.
  const signal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const agent = new Agent(cfg, log);
  const onHup = (): void => {
    log('info', 'SIGHUP: rotating capture files');
    void agent.rotate();
  };
  process.on('SIGHUP', onHup);
  // The schema has checked it (config.ts): --check and the start refuse the same values.
  const { host, port } = splitListen(cfg.control.listen)!;
  await agent.start();
  const control = await startControlApi(
    { host, port, token: cfg.control.token, allowNonLoopback: cfg.control.allowNonLoopback },
    { health: () => agent.health(), status: () => agent.status(), metrics: () => agent.metrics(), rotate: () => agent.rotate(), pause: () => agent.pause(), resume: () => agent.resume() },
  ).catch(async (err: Error) => {
    await agent.stop();
    throw err;
  });
  log('info', 'agent started', { control: `${host}:${control.port}`, source: agent.source.state.kind, proxyPort: agent.source.state.proxyPort, files: cfg.files?.dir, mirror: cfg.mirror?.targets.map((t) => t.url) });
  log('info', 'stopping', { signal: await signal });
  process.off('SIGHUP', onHup);
  await control.app.close();
  await agent.stop();
  log('info', 'agent stopped', agent.finalCounts());
}
