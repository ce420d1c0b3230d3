/**
 * tcpdump's stderr: drained continuously (a full stderr pipe would block tcpdump) but kept only
 * in part — the first and the last lines — because it is read for three things: the
 * "listening on" line that says the capture is running, the final packet counts, and the
 * complaint to quote when tcpdump fails.
 */

export interface TcpdumpCounts {
  captured?: number;
  /** "packets received by filter": on Linux, packets that passed the filter. */
  received?: number;
  droppedByKernel?: number;
  droppedByInterface?: number;
}

export interface TcpdumpStderr {
  /** Feed decoded stderr text as it arrives. */
  push(text: string): void;
  /** Call at end of stream: a last line without newline is processed. */
  end(): void;
  /** The "listening on …" line, once seen. */
  readonly listening: string | undefined;
  /** The counts from tcpdump's closing lines (latest value of each). */
  readonly counts: TcpdumpCounts;
  /** Bounded excerpt of what tcpdump said, lines joined with "\n". */
  excerpt(): string;
}

export interface StderrLimits {
  headLines: number;
  tailLines: number;
  lineChars: number;
}

const defaultLimits: StderrLimits = { headLines: 10, tailLines: 20, lineChars: 500 };
// "1 packet captured", "12 packets received by filter" … (one per line at exit; comma-joined on SIGUSR1).
const countPattern = /(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)/g;
const countFields = {
  captured: 'captured',
  'received by filter': 'received',
  'dropped by kernel': 'droppedByKernel',
  'dropped by interface': 'droppedByInterface',
} as const;

/**
 * @example
 * const stderr = createTcpdumpStderr({ onListening: (line) => console.log(line) });
 * child.stderr.setEncoding('latin1').on('data', (text) => stderr.push(text));
 */
export function createTcpdumpStderr(hooks: { onListening?: (line: string) => void } = {}, limits: StderrLimits = defaultLimits): TcpdumpStderr {
  const head: string[] = [];
  const tail: string[] = [];
  let omitted = 0;
  let partial = '';
  let listening: string | undefined;
  const counts: TcpdumpCounts = {};

  const onLine = (rawLine: string) => {
    const line = rawLine.replace(/\r$/, '').slice(0, limits.lineChars);
    if (line.trim() === '') return;
    if (listening === undefined && /^(tcpdump: )?listening on /.test(line)) {
      listening = line;
      hooks.onListening?.(line);
    }
    for (const match of line.matchAll(countPattern)) counts[countFields[match[2] as keyof typeof countFields]] = Number(match[1]);
    if (head.length < limits.headLines) {
      head.push(line);
      return;
    }
    tail.push(line);
    if (tail.length > limits.tailLines) {
      tail.shift();
      omitted++;
    }
  };

  return {
    push(text: string) {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      // An endless line must not grow memory: cut it into pieces.
      if (partial.length > limits.lineChars) {
        onLine(partial);
        partial = '';
      }
      for (const line of lines) onLine(line);
    },
    end() {
      if (partial !== '') onLine(partial);
      partial = '';
    },
    get listening() {
      return listening;
    },
    counts,
    excerpt() {
      return [...head, ...(omitted > 0 ? [`[… ${omitted} lines omitted …]`] : []), ...tail].join('\n');
    },
  };
}

export interface FailureDescription {
  interface: string;
  filter?: string;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
}

/**
 * One message for a tcpdump that ended by itself with an error: the likely cause in words,
 * then what tcpdump said.
 * @example describeTcpdumpFailure({ interface: 'eth9', exitCode: 1, signal: null, stderr: 'tcpdump: eth9: No such device exists' })
 * // 'capture interface "eth9" does not exist (list interfaces with "tcpdump -D" or "ip link"); tcpdump said: …'
 */
export function describeTcpdumpFailure(failure: FailureDescription): string {
  const said = failure.stderr.trim();
  const name = JSON.stringify(failure.interface);
  let cause: string;
  if (/no such device|doesn't exist|does not exist/i.test(said)) {
    cause = `capture interface ${name} does not exist (list interfaces with "tcpdump -D" or "ip link")`;
  } else if (/permission|not permitted/i.test(said)) {
    cause = `no permission to capture on ${name}: run as root, or give tcpdump the capabilities (setcap cap_net_raw,cap_net_admin=eip "$(command -v tcpdump)")`;
  } else if (/filter expression|syntax error|unknown host|illegal|invalid/i.test(said) && failure.filter !== undefined) {
    cause = `tcpdump rejected the capture filter ${JSON.stringify(failure.filter)}`;
  } else if (/not up|went down/i.test(said)) {
    cause = `capture interface ${name} is down`;
  } else if (failure.signal !== null) {
    cause = `tcpdump was killed by ${failure.signal}`;
  } else {
    cause = `tcpdump exited with code ${failure.exitCode}`;
  }
  return said === '' ? `${cause} (tcpdump printed nothing)` : `${cause}; tcpdump said: ${said}`;
}
