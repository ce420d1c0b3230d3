/**
 * Poll until `condition` holds, at most `timeoutMs`; fails with `what` otherwise.
 * @example await waitFor(() => accounts.shellStarted('netopia'), 5000, 'the login reached the shell')
 */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < 10_000; round++) {
    if (condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}
