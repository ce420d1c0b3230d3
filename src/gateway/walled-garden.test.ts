// The walled garden on a real socket (127.165.0.1): the page names the asking device's own
// findings and their fix, in Japanese or English by Accept-Language, escapes what the device
// reported, loads nothing external; another address hears only "not restricted".
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { loadDeviceAdvice } from '../notify/messages/device-advice.ts';
import { type GatewayPolicy, gatewayPolicyFormat } from './policy.ts';
import { createWalledGarden, startWalledGarden } from './walled-garden.ts';

const policy: GatewayPolicy = {
  format: gatewayPolicyFormat,
  version: 'c'.repeat(64),
  generatedAt: '2026-12-01T00:00:00.000Z',
  ispId: 'isp-a',
  networks: ['127.165.0.0/24'],
  blocklist: { indicatorsJson: '[]\n' },
  quarantine: [
    {
      ip: '127.165.0.2',
      findings: [
        { id: 4, kind: 'weak-credential', deviceType: 'ip-camera', vendor: '<script>alert(1)</script>', model: 'C1', firstSeen: '2026-11-20T00:00:00.000Z' },
      ],
    },
  ],
  updatePath: [],
};

function get(url: string, from: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { localAddress: from, headers, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer in 5 s')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

test('the page explains the asking device’s finding and its fix, ja and en, escaped and self-contained; pages are counted', async () => {
  const garden = createWalledGarden({ advice: loadDeviceAdvice(), currentPolicy: () => policy });
  const server = await startWalledGarden(garden, { host: '127.165.0.1', port: 0 });
  try {
    const ja = await get(`${server.url}/any/site/path`, '127.165.0.2', { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' });
    assert.equal(ja.status, 200);
    assert.match(ja.body, /この機器のインターネット接続は制限されています/);
    assert.match(ja.body, /脆弱なID・パスワード/, 'names the problem');
    assert.match(ja.body, /RTSP/, "the camera's own steps");
    assert.match(ja.body, /メーカーの更新サーバー/);
    assert.ok(!ja.body.includes('<script>'), 'the vendor string is escaped');
    assert.match(ja.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; C1/);
    assert.ok(!/(src|href)="(https?:)?\/\//.test(ja.body), 'no external resource');
    assert.match(String(ja.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(ja.headers['cache-control'], 'no-store');

    const en = await get(`${server.url}/`, '127.165.0.2', { 'accept-language': 'en-US' });
    assert.match(en.body, /Internet access of this device is restricted/);
    assert.match(en.body, /Weak credentials/);
    assert.match((await get(`${server.url}/?lang=ja`, '127.165.0.2', { 'accept-language': 'en' })).body, /lang="ja"/);

    const other = await get(`${server.url}/`, '127.165.0.3');
    assert.match(other.body, /This device is not restricted/);
    assert.ok(!other.body.includes('C1'), "another device's findings are never shown");
    assert.equal((await get(`${server.url}/favicon.ico`, '127.165.0.2')).status, 404);
    assert.deepEqual([...garden.takePageCounts()], [['127.165.0.2', 3]]);
    assert.deepEqual([...garden.takePageCounts()], [], 'taking the counts restarts them');
  } finally {
    await server.close();
  }
});
