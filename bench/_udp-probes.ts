// The probe each UDP port of the benchmark gets from zmap: the first request the survey's own
// protocol sends there, built by that protocol's codec, so both tools send the same bytes. A
// zmap probe is fixed, so its token (request id, sequence, message id) is fixed too.
import { encodeQuery } from '../src/protocols/dns/codec.ts';
import { encodeRequest } from '../src/protocols/memcached/codec.ts';
import { encodeReadVariables } from '../src/protocols/ntp/codec.ts';
import { encodeGetRequest, systemOids } from '../src/protocols/snmp/codec.ts';
import { encodeMSearch } from '../src/protocols/ssdp/codec.ts';

/**
 * The first request the survey sends on `port`; undefined for a port the benchmark does not use.
 * @example firstRequest(161, 'check.example')?.length // about 80
 */
export function firstRequest(port: number, resolverCheckName: string): Buffer | undefined {
  switch (port) {
    case 53:
      return encodeQuery({ id: 0x4f4e, question: { name: resolverCheckName, type: 1, class: 1 }, recursionDesired: true });
    case 123:
      return encodeReadVariables(0x4f4e);
    case 161:
      return encodeGetRequest({
        version: 'v2c',
        community: 'public',
        requestId: 0x4f4e,
        oids: [systemOids.sysDescr, systemOids.sysObjectId, systemOids.sysUpTime, systemOids.sysName],
      });
    case 1900:
      return encodeMSearch();
    case 11211:
      return encodeRequest(0x4f4e, 'stats');
    default:
      return undefined;
  }
}
