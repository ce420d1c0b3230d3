import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const guardModule = fileURLToPath(new URL('./orphan-guard.ts', import.meta.url));

/** A parent that starts `sleep 30`, guards it under `name`, prints the sleeper's pid, and waits to be killed. */
async function parentKilledOutright(name: string): Promise<number> {
  const script = `
    import { spawn } from 'node:child_process';
    import { guardAgainstOrphan } from ${JSON.stringify(guardModule)};
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    guardAgainstOrphan(sleeper.pid, ${JSON.stringify(name)});
    process.stdout.write(sleeper.pid + '\\n');
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once('exit', () => reject(new Error('the parent ended before starting its child')));
  });
  parent.kill('SIGKILL');
  await new Promise((resolve) => parent.once('exit', resolve));
  return pid;
}

/** Whether `pid` runs: a process ended but not yet reaped by init still has a /proc entry, in state Z. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('a guarded child ends soon after its parent is killed with SIGKILL; one under another name (a reused pid) is left alone', {
  timeout: 30_000,
}, async () => {
  const guarded = await parentKilledOutright('sleep');
  const other = await parentKilledOutright('not-sleep');
  try {
    assert.equal(await goneWithin(guarded, 5000), true, 'the guarded sleep still runs 5 s after its parent died');
    assert.equal(await goneWithin(other, 1000), false, 'a process whose name is not the guarded one was ended');
  } finally {
    for (const pid of [guarded, other]) if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  }
});
