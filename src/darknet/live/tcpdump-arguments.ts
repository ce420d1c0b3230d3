/**
 * Options of a live capture and the tcpdump command line they become. Everything that reaches
 * tcpdump's argv is validated here, so an interface name or a filter can never turn into a
 * tcpdump option (`-w /etc/x`, `-z cmd`): tcpdump is always spawned without a shell.
 */
import { OpenNoticeError } from '../../core/errors.ts';

export interface TcpdumpOptions {
  /** Capture interface, e.g. 'eth0', 'lo', 'any'. */
  interface: string;
  /** BPF expression, e.g. 'dst net 198.51.100.0/24'. Use numeric addresses: tcpdump resolves host names when it starts. */
  filter?: string;
  /**
   * Bytes kept of each packet (default 128, at most 4080): headers are all the classifier needs;
   * no payload is kept. The cap keeps every pcap record (16-byte header + data) within 4 KiB, which
   * the kernel moves into tcpdump's stdout (a pipe or, from Node, a Unix socketpair) in one piece:
   * the SIGINT that stops tcpdump can interrupt a blocked write and lose that packet, but never
   * leave half a record in the stream.
   */
  snaplen?: number;
  /** Kernel capture buffer in MiB (tcpdump -B), default 64: absorbs bursts while the consumer is busy. */
  bufferMiB?: number;
  /** The tcpdump executable (default 'tcpdump', looked up on PATH). */
  tcpdumpPath?: string;
  /** Abort ends the capture cleanly, as `stop()` does. */
  signal?: AbortSignal;
  /** How long `stop()` waits after SIGINT before SIGTERM, and again before SIGKILL (default 5000 ms). */
  stopGraceMs?: number;
}

export const defaultSnaplen = 128;
export const maxSnaplen = 4096 - 16;
export const defaultBufferMiB = 64;
export const defaultStopGraceMs = 5000;

const MAX_FILTER_CHARS = 8192;
// Linux allows 15 bytes; other systems' pcap device names are longer (e.g. "nflog:100", "usbmon1").
// A first character that is a letter or digit excludes a leading '-'.
const interfacePattern = /^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,63}$/;
// Tab, LF and CR are whitespace to the BPF lexer; any other control character is a mistake.
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function invalid(message: string, context: Record<string, unknown>): OpenNoticeError {
  return new OpenNoticeError('CAPTURE_FAILED', message, context);
}

function checkInteger(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be an integer from ${min} to ${max}, not ${value}`, { [name]: value });
  return value;
}

/**
 * Validates the options and returns tcpdump's argv (without the executable): write the raw pcap
 * stream to stdout, flushed per packet (-U), and put the filter after `--`.
 * @example tcpdumpArguments({ interface: 'eth0', filter: 'dst net 198.51.100.0/24' })
 * // ['-i', 'eth0', '-s', '128', '-B', '65536', '-U', '-w', '-', '--', 'dst net 198.51.100.0/24']
 */
export function tcpdumpArguments(options: TcpdumpOptions): string[] {
  const name = options.interface;
  if (typeof name !== 'string' || !interfacePattern.test(name)) {
    throw invalid(
      `invalid capture interface ${JSON.stringify(name)}: expected a name such as eth0, lo or any (letters, digits and _.:@+-, at most 64 characters, not starting with '-')`,
      { interface: name },
    );
  }
  const snaplen = checkInteger(options.snaplen ?? defaultSnaplen, 'snaplen', 64, maxSnaplen);
  const bufferMiB = checkInteger(options.bufferMiB ?? defaultBufferMiB, 'bufferMiB', 1, 4096);
  const args = ['-i', name, '-s', String(snaplen), '-B', String(bufferMiB * 1024), '-U', '-w', '-'];
  if (options.filter !== undefined) {
    const filter = options.filter.trim();
    if (filter === '') throw invalid('the capture filter is empty: leave it out to capture everything', { interface: name });
    if (filter.length > MAX_FILTER_CHARS)
      throw invalid(`the capture filter is ${filter.length} characters long; at most ${MAX_FILTER_CHARS} are accepted`, { interface: name });
    if (filter.startsWith('-'))
      throw invalid(`the capture filter must not start with '-': ${JSON.stringify(filter.slice(0, 80))}`, { interface: name, filter });
    if (controlCharacter.test(filter)) throw invalid('the capture filter contains a control character', { interface: name });
    // One argv element: tcpdump joins its trailing arguments with spaces anyway.
    args.push('--', filter);
  }
  return args;
}
