/**
 * Builds the native UDP receiver (native/udp-receiver.c) with the system's C compiler on first
 * use, into a cache directory keyed by the source's hash: a changed source builds anew, an
 * unchanged one is compiled once per machine. Nothing is built at `npm install`, so installing
 * never fails for want of a compiler; a machine without one gets the dgram receiver instead
 * (the listener says so once). See docs/operations.md#the-native-flow-receiver.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';

export interface NativeReceiverBuild {
  /** Where compiled receivers are kept; default $XDG_CACHE_HOME/opennotice/native (or ~/.cache/…). */
  cacheDirectory?: string;
  /** The C compiler; default `cc`. */
  compiler?: string;
}

const sourceFile = fileURLToPath(new URL('./native/udp-receiver.c', import.meta.url));
const compileTimeoutMs = 60_000;

/** The default cache directory, from the environment the CLI runs in. */
export function defaultNativeCacheDirectory(environment: NodeJS.ProcessEnv): string {
  const base = environment.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'opennotice', 'native');
}

/**
 * The path of a runnable receiver built from the shipped source, compiling it when absent.
 * Rejects with INTERNAL (the compiler's message in context) when it cannot be built.
 * @example const program = await nativeReceiverProgram({ cacheDirectory: '/var/cache/opennotice' })
 */
export async function nativeReceiverProgram(build: NativeReceiverBuild = {}): Promise<string> {
  const source = readFileSync(sourceFile);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const directory = build.cacheDirectory ?? defaultNativeCacheDirectory(process.env);
  const program = join(directory, `udp-receiver-${hash}`);
  if (isExecutable(program)) return program;
  mkdirSync(directory, { recursive: true });
  // Compiled beside, then renamed: another process never runs a half-written file.
  const partial = `${program}.${process.pid}.partial`;
  const compiler = build.compiler ?? 'cc';
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(compiler, ['-O2', '-std=c11', '-o', partial, sourceFile], { timeout: compileTimeoutMs }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message.split('\n')[0]}${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}`)) : resolve(),
      );
    });
    renameSync(partial, program);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new OpenNoticeError(
      'INTERNAL',
      `cannot build the native UDP receiver with ${compiler}: ${error instanceof Error ? error.message : String(error)}`,
      { path: sourceFile },
      { cause: error },
    );
  }
  return program;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
