import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceObservation } from '../core/records.ts';
import { contactInPage, extractOwnerContact, ownerContactLimits } from './owner-contact.ts';

function page(body: string, port = 80, protocol = 'http'): ServiceObservation {
  return { ip: '127.152.0.20', port, protocol, status: 'success', result: { status: 200, body }, durationMs: 1, observedAt: '2026-12-01T00:00:00.000Z' };
}

test("a solar monitor's status page gives the installer's company, phone and e-mail", () => {
  const status = `<html><head><title>Top</title><script>var installer = "Company: Not This One";</script></head><body>
<table><tr><td>発電量</td><td>4.2 kW</td></tr></table>
<div class="footer">施工会社：ひかりソーラーサービス株式会社<br>TEL: 03-1234-5678<br>
<a href="mailto:support@hikari-solar.example?subject=SolarView">お問い合わせ</a></div></body></html>`;
  assert.deepEqual(extractOwnerContact([page(status)]), {
    company: 'ひかりソーラーサービス株式会社',
    phone: '03-1234-5678',
    email: 'support@hikari-solar.example',
    source: { protocol: 'http', port: 80 },
  });
});

test('English labels and a plain address in the text are read too; the first page that shows a contact wins', () => {
  const login = '<form><input type="password"></form><p>Installed by: Sunrise Energy Ltd.</p><p>Phone +44 20 7946 0958</p><p>service@sunrise.example</p>';
  const contact = extractOwnerContact([page('<p>nothing here</p>', 80), page(login, 8080), page('<p>Company: Later Ltd</p>', 8081)]);
  assert.deepEqual(contact, {
    company: 'Sunrise Energy Ltd.',
    phone: '+44 20 7946 0958',
    email: 'service@sunrise.example',
    source: { protocol: 'http', port: 8080 },
  });
});

test('a page without a contact, a failed grab and a non-web service give none', () => {
  assert.equal(extractOwnerContact([page('<p>Total yield 12 MWh since 2019</p>')]), undefined);
  assert.equal(extractOwnerContact([{ ...page('<p>Company: Hidden</p>'), status: 'io-timeout' }]), undefined);
  assert.equal(extractOwnerContact([page('Company: Hidden', 23, 'telnet')]), undefined);
});

test('markup that decodes from the page is kept as text, never as markup to run; raw script is not text at all', () => {
  const encoded = contactInPage('<p>Installer: &lt;script&gt;alert(1)&lt;/script&gt; Solar</p>');
  assert.equal(encoded?.company, '<script>alert(1)</script> Solar', 'stored as the text the page showed; pages escape it');
  const raw = contactInPage('<p>Installer: <script>alert(1)</script></p><p>TEL 0120-000-000</p>');
  assert.equal(raw?.company, undefined, 'a script is not visible text');
  assert.equal(raw?.phone, '0120-000-000');
});

test('a huge hostile page is read only to its limit, and every field is bounded and shaped', () => {
  const filler = `<div>${'a'.repeat(ownerContactLimits.pageChars)}</div>`;
  assert.equal(extractOwnerContact([page(`${filler}<p>Company: Beyond The Limit</p>`)]), undefined, 'text past the limit is not read');

  const long = contactInPage(`<p>Company: ${'Longname '.repeat(40)}</p><p>TEL: 1234</p><p>x@${'a'.repeat(300)}.example</p>`);
  assert.equal(long?.company?.length, ownerContactLimits.company);
  assert.equal(long?.phone, undefined, 'four digits are not a phone number');
  assert.equal(long?.email, undefined, 'a domain label longer than 63 characters is not an address');

  const controls = contactInPage('<p>Company: Evil\u202e\u0007 Corp</p>');
  assert.equal(controls?.company, 'Evil Corp', 'control and direction-override characters are dropped');

  // Pathological repetition a naive pattern would backtrack on: it must simply finish.
  const repeated = `${'@a.'.repeat(20_000)}!\n${'TEL: '.repeat(5_000)}${'<'.repeat(10_000)}`;
  assert.equal(contactInPage(repeated), undefined);
});
