// Loaded into every test process (`--import`, which the runner passes on to each test file's
// process). It makes stdout and stderr blocking when they are pipes: with `--test-force-exit`
// a test file's process exits as soon as its last test ends, and whatever it had not yet
// written to the pipe that carries its results to the runner was lost — the run then reported
// fewer tests than ran, and a failure among the lost ones would go unseen (nodejs/node#64833).
// A blocking write has left the process before exit() runs.
interface MaybeBlockingHandle {
  setBlocking?(blocking: boolean): unknown;
}

for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { _handle?: MaybeBlockingHandle })._handle?.setBlocking?.(true);
}
