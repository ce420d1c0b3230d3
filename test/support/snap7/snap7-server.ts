/**
 * snap7's S7 server as a real peer: compiled once (g++) from the snap7 sources that the
 * node-snap7 npm package ships — its own install script, which builds a Node addon, never
 * runs — together with peer.cpp, into a cache folder keyed by the package version; then run
 * on a loopback address until stop().
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Snap7Server {
  stop(): Promise<void>;
}

const peerSource = fileURLToPath(new URL('./peer.cpp', import.meta.url));

/**
 * The compiled server's path, building it when the cache has none.
 * @example const binary = buildSnap7Server() // '/tmp/opennotice-snap7-1.0.9/s7-peer'
 */
export function buildSnap7Server(): string {
  const packageJson = createRequire(import.meta.url).resolve('node-snap7/package.json');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const sources = join(dirname(packageJson), 'deps', 'snap7', 'src');
  const folder = join(tmpdir(), `opennotice-snap7-${version}`);
  const binary = join(folder, 's7-peer');
  if (existsSync(binary)) return binary;
  mkdirSync(folder, { recursive: true });
  const cpp = ['core', 'sys', 'lib'].flatMap((part) =>
    readdirSync(join(sources, part))
      .filter((name) => name.endsWith('.cpp'))
      .map((name) => join(sources, part, name)),
  );
  const includes = ['core', 'sys', 'lib'].map((part) => `-I${join(sources, part)}`);
  // Written to a temporary name first, so a build cut short never leaves a broken binary behind.
  execFileSync('g++', ['-O1', '-w', ...includes, peerSource, ...cpp, '-lpthread', '-o', `${binary}.part`], { stdio: 'pipe', timeout: 120_000 });
  execFileSync('mv', [`${binary}.part`, binary]);
  return binary;
}

/**
 * @example const server = await startSnap7Server('127.151.9.1', 10102); … await server.stop()
 */
export async function startSnap7Server(ip: string, port: number): Promise<Snap7Server> {
  const child = spawn(buildSnap7Server(), [ip, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`snap7 server not listening after 10 s: ${output}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`snap7 server exited (${code}): ${output}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
