import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { freePort } from './capture-tools.js';
import { NICE } from './scenarios-procs.js';

/**
 * A real nginx reverse proxy in front of `upstream` (temp config, a free port, no daemon), the way
 * an app sits behind nginx on an instance: keep-alive to the upstream, 503s passed through.
 */
export async function startNginxProxy(dir: string, upstream: string): Promise<{ url: string; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const up = new URL(upstream);
  const conf = `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream app { server ${up.host}; keepalive 64; }
  server { listen 127.0.0.1:${port}; keepalive_requests 100000;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_read_timeout 30s; } } }\n`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(NICE[0], [...NICE.slice(1), 'nginx', '-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  for (let i = 0; i < 100; i++) {
    const ok = await request(`${url}/health`).then(async (r) => (await r.body.dump(), r.statusCode === 200)).catch(() => false);
    if (ok) return { url, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`nginx did not start on ${url} (see ${dir}/error.log)`);
}
