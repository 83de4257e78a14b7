import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../../config/load-config.js';

// `npm run bench:startup [-- --runs N]`: times `npm start` until GET /ready answers 200 and
// reads the API's and the worker's resident memory once they are idle. Services that are
// already running are reused, as on a developer's second start.
const root = fileURLToPath(new URL('../..', import.meta.url));
const config = loadConfigOrExit();
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
const readyUrl = `http://${config.api.host}:${config.api.port}/ready`;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

async function oneRun(): Promise<{ readySeconds: number; apiMiB: number; workerMiB: number }> {
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const deadline = Date.now() + 900_000;
    let readySeconds = NaN;
    while (Date.now() < deadline && child.exitCode === null) {
      const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) {
        readySeconds = (performance.now() - began) / 1000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (Number.isNaN(readySeconds)) throw new Error(`npm start did not get ready:\n${output}`);
    // Let start-up garbage settle before reading memory, as an idle process would.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pids = /api pid (\d+), worker pid (\d+)/.exec(output);
    if (!pids) throw new Error(`no pids in the start-up output:\n${output}`);
    return {
      readySeconds,
      apiMiB: rssMiB(Number(pids[1])),
      workerMiB: rssMiB(Number(pids[2])),
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const results = [];
for (let i = 1; i <= runs; i++) {
  const result = await oneRun();
  results.push(result);
  process.stdout.write(
    `run ${i}: ready in ${result.readySeconds.toFixed(2)} s, api ${result.apiMiB} MiB, worker ${result.workerMiB} MiB\n`,
  );
}
process.stdout.write(
  `median of ${runs}: ready in ${median(results.map((r) => r.readySeconds)).toFixed(2)} s, ` +
    `api ${median(results.map((r) => r.apiMiB))} MiB, worker ${median(results.map((r) => r.workerMiB))} MiB\n`,
);
