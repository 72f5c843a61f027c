import http from 'node:http';
import { matches } from './config.js';
import type { HealthView, LocalTarget, LocalTargetGroup } from './target-group.js';

/** One real HTTP health check, on a fresh connection like ELB's; resolves to the failure, or undefined. */
export function checkOnce(tg: LocalTargetGroup, t: LocalTarget): Promise<HealthView | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: t.address, port: t.port, path: tg.cfg.healthCheckPath, agent: false, timeout: tg.cfg.healthCheckTimeoutMs }, (res) => {
      res.resume();
      const ok = matches(tg.cfg.matcher, res.statusCode ?? 0);
      res.on('end', () => resolve(ok ? undefined : {
        state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${res.statusCode}]`,
      }));
      res.on('error', () => resolve({ state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message === 'timeout'
      ? { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' }
      : { state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }));
  });
}

/** Checks every live target of a group each interval; a target's next check waits for its previous one. */
export function startHealthChecks(tg: LocalTargetGroup): () => void {
  const busy = new Set<LocalTarget>();
  const tick = (): void => {
    for (const t of tg.targets.values()) {
      if (t.fixed || t.health.state === 'draining' || busy.has(t)) continue;
      busy.add(t);
      void checkOnce(tg, t).then((failure) => {
        busy.delete(t);
        tg.checked(t, failure);
      });
    }
  };
  const timer = setInterval(tick, tg.cfg.healthCheckIntervalMs);
  setImmediate(tick);
  return () => clearInterval(timer);
}
