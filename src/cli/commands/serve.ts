import { OpenNoticeError } from '../../core/errors.ts';
import { parseIPv4 } from '../../scope/ipv4.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';
import { startServer } from '../../server/start-server.ts';
import { loadSigner } from '../../blocklist/signing.ts';
import { readUpdatePathFile } from '../../gateway/update-path-file.ts';
import { openAuditedStore } from '../audited-store.ts';
import { createHttpMetrics } from '../../metrics/http.ts';
import { registerStoreCounts } from '../../metrics/store-counts.ts';
import { defineCommand, integerOption, listOption } from '../command.ts';
import { observabilityOptions, openObservability } from '../observability.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'serve',
  summary: 'The web server: operator dashboard, ISP portal and API, public pages; on loopback until interrupted.',
  usage:
    '[--db FILE|URL] [--host 127.0.0.1] [--port 8080] [--public-url URL] [--program-name NAME] [--scanner-address IP]… [--metrics-listen 127.0.0.1:9464] [--log-format json]',
  details: `Serves the store's data over HTTP. Accounts are made with 'opennotice users add'.
It listens on loopback only: put a TLS reverse proxy in front and pass --public-url
https://… (cookies become Secure, HSTS is sent, posts must come from that origin). A
non-loopback --host also needs --allow-remote. Behind a proxy on the same machine,
--behind-proxy takes the client address from X-Forwarded-For (lock-out and "check my
connection" need the real address). Several server processes on one store must share
OPENNOTICE_WEB_SECRET (it signs the CSRF cookies of visitors without a session).
Prometheus metrics (requests, findings, outbox backlog, errors) are served on a listener of
their own, never on the site: --metrics-listen 127.0.0.1:9464 (docs/operations.md, "Monitoring").
Secure gateways (opennotice gateway) pull their policy from /api/v1/gateway/policy with an ISP
user's API token; --blocklist-sign-key signs its blocklist, --gateway-update-path lists the
vendor update endpoints quarantined devices may still reach (docs/gateway.md).
Example:  opennotice serve --db opennotice.sqlite --public-url https://notice.example.jp \\
            --program-name "Example NOTICE" --scanner-address 192.0.2.10`,
  options: {
    db: storeOption,
    host: { type: 'string', valueName: 'ADDRESS', description: 'address to listen on', default: '127.0.0.1' },
    port: { type: 'string', valueName: 'N', description: 'port to listen on (0: any free port)', default: '8080' },
    'public-url': { type: 'string', valueName: 'URL', description: 'the address users reach the site at (https behind a proxy)' },
    'program-name': { type: 'string', valueName: 'NAME', description: 'the program name on pages and reports', default: 'opennotice' },
    operator: { type: 'string', valueName: 'ORG', description: 'who runs the program (public pages)', default: 'the program operator' },
    contact: { type: 'string', valueName: 'ADDRESS', description: 'contact address shown on the public pages and in reports' },
    'scanner-address': { type: 'string', valueName: 'IP', multiple: true, description: 'a source address the scanners use (published on the public pages)' },
    'allow-remote': { type: 'boolean', description: 'allow a --host that is not loopback' },
    'behind-proxy': { type: 'boolean', description: 'trust X-Forwarded-For from a proxy on loopback' },
    'check-activity-days': {
      type: 'string',
      valueName: 'N',
      description: '"check my connection" says whether the caller was seen scanning or attacking in the last N days',
      default: '7',
    },
    'blocklist-sign-key': { type: 'string', valueName: 'KEY', description: 'Ed25519 private key (PEM) that signs the blocklist in every gateway policy' },
    'gateway-update-path': {
      type: 'string',
      valueName: 'FILE',
      description: 'JSON list of vendor update endpoints quarantined devices may reach ({cidr or host, port?, label})',
    },
    ...observabilityOptions,
  },
  async run(values, _positionals, io) {
    const port = integerOption(values.port, 'port', { min: 0, max: 65535 })!;
    const checkActivityDays = integerOption(values['check-activity-days'], 'check-activity-days', { min: 1, max: 90 })!;
    const scannerAddresses = listOption(values['scanner-address']);
    for (const address of scannerAddresses) {
      if (parseIPv4(address) === undefined && parseIPv6(address) === undefined)
        throw new OpenNoticeError('USAGE', `--scanner-address: "${address}" is not an IP address`);
    }
    const publicUrl = typeof values['public-url'] === 'string' ? values['public-url'] : undefined;
    const secret = process.env.OPENNOTICE_WEB_SECRET;
    const gateway = {
      ...(values['blocklist-sign-key'] ? { signer: loadSigner(values['blocklist-sign-key']) } : {}),
      ...(values['gateway-update-path'] ? { updatePath: readUpdatePathFile(values['gateway-update-path']) } : {}),
    };
    const store = await openAuditedStore(String(values.db)); // runs, attempts, deliveries and decisions go into the audit trail
    const watch = await openObservability('serve', values, io.stderr).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    const { log, registry } = watch;
    if (registry) registerStoreCounts(registry, store);
    try {
      const server = await startServer({
        store,
        port,
        publicUrl,
        host: String(values.host),
        allowNonLoopback: Boolean(values['allow-remote']),
        trustProxy: Boolean(values['behind-proxy']),
        checkActivityDays,
        gateway,
        auth: secret ? { secret } : undefined,
        program: {
          name: String(values['program-name']),
          operator: String(values.operator),
          scannerAddresses,
          contact: typeof values.contact === 'string' ? values.contact : '',
          ...(publicUrl ? { url: publicUrl } : {}),
        },
        log,
        ...(registry ? { onAnswered: createHttpMetrics(registry).observe } : {}),
      });
      log.info(`listening on ${server.url}`, { event: 'listening', url: server.url });
      io.stdout.write(`opennotice web server on ${server.url}${publicUrl ? ` (public URL ${publicUrl})` : ''}, store ${store.location}\n`);
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await server.close();
      io.stdout.write('opennotice web server stopped\n');
      return 0;
    } finally {
      await watch.close();
      await store.close();
    }
  },
});
