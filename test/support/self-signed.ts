/**
 * A self-signed certificate and key for tests' TLS peers, made with Debian's openssl in a
 * temporary folder (Node cannot issue certificates itself).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  key: Buffer;
  cert: Buffer;
}

/**
 * @example const { key, cert } = selfSigned('CN=ipcam.local')
 */
export function selfSigned(subject = '/CN=opennotice-test-device'): SelfSigned {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '30',
        '-subj',
        subject,
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: directory, stdio: 'ignore', timeout: 30_000 },
    );
    return { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
