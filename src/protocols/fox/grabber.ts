import type { Target } from '../../core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { encodeHello, helloComplete, looksLikeFox, parseHello } from './codec.ts';

/** What a Fox grab records: the station's hello, by the station's own field names (camel-cased). */
export type FoxResult = {
  foxVersion?: string;
  hostName?: string;
  hostAddress?: string;
  appName?: string;
  appVersion?: string;
  vmName?: string;
  vmVersion?: string;
  osName?: string;
  osVersion?: string;
  stationName?: string;
  brandId?: string;
  timeZone?: string;
  hostId?: string;
  /** The hello block was closed (`};;`): nothing was cut off. */
  complete: boolean;
};

/** Hello field → result field. */
const resultFields: ReadonlyArray<readonly [string, keyof Omit<FoxResult, 'complete'>]> = [
  ['fox.version', 'foxVersion'],
  ['hostName', 'hostName'],
  ['hostAddress', 'hostAddress'],
  ['app.name', 'appName'],
  ['app.version', 'appVersion'],
  ['vm.name', 'vmName'],
  ['vm.version', 'vmVersion'],
  ['os.name', 'osName'],
  ['os.version', 'osVersion'],
  ['station.name', 'stationName'],
  ['brandId', 'brandId'],
  ['timeZone', 'timeZone'],
  ['hostId', 'hostId'],
];

/**
 * Send our hello, read the station's until its block closes (or the read ends), close. No
 * authentication is ever attempted.
 * @example const { result } = await grabFox(ctx, { ip: '192.0.2.7', port: 1911 }) // result.brandId: 'vykon'
 */
export async function grabFox(ctx: GrabContext, target: Target): Promise<GrabOutcome<FoxResult>> {
  return grabOver(ctx, target, async (conn) => {
    await conn.write(encodeHello());
    // Stop at the end of the block, or as soon as the reply cannot be a Fox hello.
    const read = await conn.readUntil((bytes) => helloComplete(bytes) || (bytes.length >= 6 && !looksLikeFox(bytes)));
    const hello = parseHello(read.data);
    if (!hello) {
      if (read.data.length === 0) return endedBefore(read, 'a Fox hello') as GrabOutcome<FoxResult>;
      return { status: 'protocol-error', result: {}, error: 'the reply is not a Fox hello' };
    }
    const result: FoxResult = { complete: hello.complete };
    for (const [name, field] of resultFields) {
      const value = hello.fields.get(name);
      if (value !== undefined) result[field] = value;
    }
    if (hello.complete) return { status: 'success', result };
    // A hello that never closed: what was read is kept, the status says why it stopped.
    const ended = endedBefore(read, 'the end of the Fox hello');
    return { status: ended.status, result, ...(ended.error ? { error: ended.error } : {}) };
  });
}
