/**
 * The running lab's control channel: one command per line in, one answer per line out.
 * `opennotice lab` serves it on stdin/stdout so a parent process (the demo, tests) can
 * play the subscribers who fix their devices while the lab runs:
 *
 *   remediate 127.77.3.9   →  remediated 127.77.3.9   (weak credentials now strong)
 *   remediate 127.1.2.3    →  unknown 127.1.2.3       (no lab device there)
 *   anything else          →  error …
 *
 * Answers come in the order of the commands. Input is bounded per line.
 */

/** What the control channel acts on (LabHandle has it). */
export interface LabControlTarget {
  remediate(ip: string): boolean;
}

/** Longest command line read; longer ones are answered with an error and skipped. */
export const maxControlLineBytes = 256;

/**
 * The answer to one command line, or undefined for a blank line.
 * @example answerControlLine('remediate 127.77.3.9', lab) // 'remediated 127.77.3.9'
 */
export function answerControlLine(line: string, lab: LabControlTarget): string | undefined {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const [command, ...args] = words;
  if (command === 'remediate') {
    if (args.length !== 1) return 'error usage: remediate <ip>';
    const ip = args[0]!;
    return lab.remediate(ip) ? `remediated ${ip}` : `unknown ${ip}`;
  }
  return `error unknown command "${command!.slice(0, 32)}" (commands: remediate <ip>)`;
}

/**
 * Serve the control channel on a pair of streams until the returned function is called
 * (it detaches and pauses the input so the process can exit). End of input is not an error:
 * the lab keeps running without control.
 * @example const stop = serveLabControl(process.stdin, process.stdout, lab); …; stop()
 */
export function serveLabControl(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, lab: LabControlTarget): () => void {
  let pending = '';
  let skippingLongLine = false;
  const onData = (chunk: Buffer | string) => {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      if (skippingLongLine) skippingLongLine = false;
      else answer(line);
      newline = pending.indexOf('\n');
    }
    if (pending.length > maxControlLineBytes) {
      // Drop the rest of this line as it arrives; answer once so the sender is not left waiting.
      if (!skippingLongLine) output.write(`error line longer than ${maxControlLineBytes} bytes\n`);
      skippingLongLine = true;
      pending = '';
    }
  };
  const answer = (line: string) => {
    if (line.length > maxControlLineBytes) {
      output.write(`error line longer than ${maxControlLineBytes} bytes\n`);
      return;
    }
    const reply = answerControlLine(line, lab);
    if (reply !== undefined) output.write(`${reply}\n`);
  };
  input.on('data', onData);
  return () => {
    input.off('data', onData);
    input.pause();
  };
}
