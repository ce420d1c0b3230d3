/**
 * A child that must not outlive this process, even when this process is killed with SIGKILL
 * and can do nothing. tcpdump is the case: it drops root for its own user after opening the
 * interface, and the kernel then forgets a parent-death signal (PR_SET_PDEATHSIG is cleared on
 * a change of credentials), so a capture killed outright left tcpdump running — holding the
 * interface and a kernel buffer — until a packet broke its pipe, which on a quiet link may be
 * hours. The guard is a small shell (sh and cat, present on every Debian) whose stdin is a pipe
 * from this process: it waits for end of file, which comes when this process closes the pipe or
 * dies however it dies, then ends the child (SIGTERM, SIGKILL two seconds later) if that pid
 * still names the same program, so a reused pid is never hit.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface OrphanGuard {
  /** The child ended as planned: the guard leaves without touching anything. Idempotent. */
  release(): void;
}

// $1 pid, $2 the program name the kernel shows (/proc/PID/comm).
const guardScript = [
  'cat >/dev/null',
  'same() { [ "$(cat /proc/$1/comm 2>/dev/null)" = "$2" ]; }',
  'same "$1" "$2" || exit 0',
  'kill -TERM "$1" 2>/dev/null',
  'sleep 2',
  'same "$1" "$2" && kill -KILL "$1" 2>/dev/null',
  'exit 0',
].join('\n');

/**
 * Watch `pid`, a child named `programName` (as /proc/PID/comm shows it, at most 15 characters),
 * and end it if this process goes away before calling `release()`.
 * @example const guard = guardAgainstOrphan(child.pid, 'tcpdump'); child.once('exit', () => guard.release());
 */
export function guardAgainstOrphan(pid: number, programName: string): OrphanGuard {
  let guard: ChildProcess | undefined = spawn('sh', ['-c', guardScript, 'orphan-guard', String(pid), programName.slice(0, 15)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group: a Ctrl-C to ours must not end the guard before the child.
    detached: true,
  });
  guard.on('error', () => {
    // No sh to run: the guard is lost, the child still ends when its pipe breaks, as before.
    guard = undefined;
  });
  guard.stdin?.on('error', () => {});
  // Neither the guard nor its pipe keeps this process alive: the child it watches does that.
  guard.unref();
  (guard.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  return {
    release() {
      if (guard === undefined) return;
      guard.kill('SIGKILL');
      guard.stdin?.destroy();
      guard = undefined;
    },
  };
}
