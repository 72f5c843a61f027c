import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI asynchronously (the local endpoint lives in the test process: never block its loop). */
export function shadowtap(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', ['dist/cli/main.js', ...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A clean failure: one `shadowtap: …` message, no stack trace. */
export function expectNoStack(stderr: string): boolean {
  return stderr.startsWith('shadowtap: ') && !/\n\s+at /.test(stderr);
}
