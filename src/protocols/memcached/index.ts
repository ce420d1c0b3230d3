/**
 * memcached over UDP (11211): a cache that should never face the internet. With UDP on (the
 * default before 1.5.6), a 15-byte `stats` request draws kilobytes, and a stored big value
 * fifty-thousand-fold: the 1.7 Tbps reflection attacks of 2018. A survey sends only `stats`:
 * it reads the server's counters, stores and fetches nothing.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabMemcached, type MemcachedResult } from './grabber.ts';
import { memcachedProbe } from './probe.ts';

export default defineProtocol<MemcachedResult>({
  name: 'memcached',
  description: 'in-memory cache; reachable over UDP it is one of the strongest reflectors (a `stats` request draws kilobytes)',
  transport: 'udp',
  defaultPorts: [11211],
  fields: {
    version: 'text',
    pid: 'number',
    uptime: 'number',
    currConnections: 'number',
    currItems: 'number',
    limitMaxbytes: 'number',
    threads: 'number',
    complete: 'boolean',
    reflection: reflectionFields,
  },
  fieldNotes: {
    version: '`STAT version`: the server release, e.g. `1.6.18`',
    uptime: 'seconds since the server started',
    currConnections: '`curr_connections`',
    currItems: '`curr_items`: items in the cache',
    limitMaxbytes: '`limit_maxbytes`: bytes the cache may hold',
    complete: 'every datagram of the reply arrived and it ended with `END`',
    reflection: 'the `stats` request’s figures: every datagram of our reply counts',
  },
  detect: { probe: memcachedProbe },
  grab: grabMemcached,
  reflection: (result) => result.reflection,
});
