// The nft runner's failures say what to fix: nft missing (install nftables), nft without the
// right to change the firewall (run as root / CAP_NET_ADMIN) — the latter with the real nft
// run as an unprivileged user (setpriv), so nothing is loaded anywhere.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNftRunner } from './nft.ts';

test('no nft: GATEWAY_FAILED naming the package', async () => {
  const nft = createNftRunner('/nonexistent/opennotice-test/nft');
  await assert.rejects(nft.apply('table inet opennotice_gw\n'), { code: 'GATEWAY_FAILED', message: /install nftables/ });
  await assert.rejects(nft.listTable(), { code: 'GATEWAY_FAILED', message: /install nftables/ });
});

const nftPath = '/usr/sbin/nft';

test('nft without the right to change the firewall: GATEWAY_FAILED saying to run as root', async () => {
  assert.ok(
    process.getuid?.() === 0 && existsSync(nftPath) && existsSync('/usr/bin/setpriv'),
    'set-up: this test runs as root (to drop it) with nft and setpriv',
  );
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-nft-'));
  try {
    const wrapper = join(directory, 'nft-as-nobody');
    writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ${nftPath} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const nft = createNftRunner(wrapper);
    await assert.rejects(nft.apply('table inet opennotice_gw\n'), {
      code: 'GATEWAY_FAILED',
      message: /not permitted — run the gateway as root or with CAP_NET_ADMIN/,
    });
    await assert.rejects(nft.listTable(), { code: 'GATEWAY_FAILED', message: /run the gateway as root/ });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
