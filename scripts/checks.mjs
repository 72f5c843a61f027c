// `npm test`'s steps before the suite: build, typecheck and lint, at once. Each is one process that
// waits on nothing from the others: typecheck and lint read src/, test/ and bench/, none of them dist/.
// In turn they took 14 + 14 + 10 s on two cores. Each one's output is printed whole when it ends, in order.
import { spawn } from 'node:child_process';

const steps = ['build', 'typecheck', 'lint'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const results = await Promise.all(
  steps.map(
    (step) =>
      new Promise((resolve) => {
        const child = spawn(npm, ['run', '--silent', step], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('error', (err) => resolve({ step, code: 1, text: `${err.message}\n` }));
        child.on('close', (code) => resolve({ step, code: code ?? 1, text: Buffer.concat(out).toString() }));
      }),
  ),
);
for (const { step, code, text } of results) {
  process.stdout.write(`== ${step}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${text}`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
