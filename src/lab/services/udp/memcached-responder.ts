/**
 * memcached over UDP (its protocol.txt, "UDP protocol"): every datagram starts with an 8-byte
 * frame header (request id, sequence number, datagram count, reserved), and a `stats` request
 * of 15 bytes is answered with about 1.5 KB of STAT lines, in as many datagrams as needed —
 * the amplifier of the 2018 record attacks. Builds before 1.5.6 had UDP on by default.
 */

export interface MemcachedPersona {
  version: string;
  pid: number;
  uptime: number;
}

/** Payload bytes per datagram after the frame header, as memcached sends them. */
const datagramPayload = 1400;

function statLines(persona: MemcachedPersona): string {
  const stats: Array<[string, string | number]> = [
    ['pid', persona.pid],
    ['uptime', persona.uptime],
    ['time', 1796558400],
    ['version', persona.version],
    ['libevent', '2.0.21-stable'],
    ['pointer_size', 32],
    ['rusage_user', '12.480000'],
    ['rusage_system', '30.910000'],
    ['max_connections', 1024],
    ['curr_connections', 2],
    ['total_connections', 18344],
    ['rejected_connections', 0],
    ['connection_structures', 4],
    ['cmd_get', 90211],
    ['cmd_set', 3302],
    ['cmd_flush', 0],
    ['cmd_touch', 0],
    ['get_hits', 88102],
    ['get_misses', 2109],
    ['get_expired', 12],
    ['delete_misses', 0],
    ['delete_hits', 40],
    ['incr_misses', 0],
    ['incr_hits', 0],
    ['decr_misses', 0],
    ['decr_hits', 0],
    ['cas_misses', 0],
    ['cas_hits', 0],
    ['cas_badval', 0],
    ['touch_hits', 0],
    ['touch_misses', 0],
    ['auth_cmds', 0],
    ['auth_errors', 0],
    ['bytes_read', 5120344],
    ['bytes_written', 98211044],
    ['limit_maxbytes', 67108864],
    ['accepting_conns', 1],
    ['listen_disabled_num', 0],
    ['threads', 4],
    ['conn_yields', 0],
    ['hash_power_level', 16],
    ['hash_bytes', 524288],
    ['hash_is_expanding', 0],
    ['expired_unfetched', 3],
    ['evicted_unfetched', 0],
    ['bytes', 411203],
    ['curr_items', 812],
    ['total_items', 3302],
    ['evictions', 0],
    ['reclaimed', 14],
  ];
  return `${stats.map(([name, value]) => `STAT ${name} ${value}\r\n`).join('')}END\r\n`;
}

/**
 * The datagrams answering one request: only `stats` is known; anything else is ignored.
 * @example memcachedResponses(Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0]), Buffer.from('stats\r\n')]), persona).length // 2
 */
export function memcachedResponses(request: Buffer, persona: MemcachedPersona): Buffer[] {
  if (request.length < 9 || request.readUInt16BE(2) !== 0 || request.readUInt16BE(4) !== 1) return [];
  const command = request.subarray(8, 64).toString('latin1');
  if (!/^stats\r?\n$/.test(command)) return [];
  const payload = Buffer.from(statLines(persona), 'latin1');
  const count = Math.ceil(payload.length / datagramPayload);
  return Array.from({ length: count }, (_, sequence) => {
    const header = Buffer.alloc(8);
    request.copy(header, 0, 0, 2);
    header.writeUInt16BE(sequence, 2);
    header.writeUInt16BE(count, 4);
    return Buffer.concat([header, payload.subarray(sequence * datagramPayload, (sequence + 1) * datagramPayload)]);
  });
}
