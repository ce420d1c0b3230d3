/**
 * The demo's last step: the web server on the demo's store, with an operator account and one
 * account per lab ISP (fresh random passwords, printed once), until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../server/auth/password.ts';
import { startServer } from '../../server/start-server.ts';
import type { Store } from '../../store/store.ts';
import type { CommandIo } from '../command.ts';

export interface DemoAccount {
  name: string;
  role: 'operator' | 'isp';
  ispId?: string;
  password: string;
}

/** Operator plus the first portal user of every ISP in the store's registry. */
async function createDemoAccounts(store: Store): Promise<DemoAccount[]> {
  const password = () => randomBytes(12).toString('base64url');
  const accounts: DemoAccount[] = [{ name: 'operator', role: 'operator', password: password() }];
  for (const isp of await store.listIsps()) {
    const name = isp.contacts.portalUsers[0];
    if (name) accounts.push({ name, role: 'isp', ispId: isp.id, password: password() });
  }
  const now = new Date().toISOString();
  for (const account of accounts) {
    await store.createWebUser({
      name: account.name,
      role: account.role,
      ...(account.ispId ? { ispId: account.ispId } : {}),
      passwordHash: await hashPassword(account.password),
      createdAt: now,
    });
  }
  return accounts;
}

/**
 * Serve the demo store until the command's signal aborts (Ctrl-C).
 * @example await serveDemo({ store, port: 8080, io })
 */
export async function serveDemo(options: { store: Store; port: number; io: CommandIo }): Promise<void> {
  const { store, io } = options;
  const accounts = await createDemoAccounts(store);
  const server = await startServer({
    store,
    port: options.port,
    program: {
      name: 'opennotice lab programme',
      operator: 'the opennotice demo (simulated lab on loopback)',
      contact: 'notice@opennotice.invalid',
      scannerAddresses: ['127.0.0.1'],
    },
  });
  try {
    io.stdout.write(`\nThe dashboard, the ISP portal and the public pages: ${server.url}/  (Ctrl-C stops)\n`);
    io.stdout.write('Accounts for this run (passwords are new each run):\n');
    for (const account of accounts)
      io.stdout.write(
        `  ${account.name.padEnd(28)} ${account.password}  ${account.role === 'operator' ? 'operator: /dashboard' : `ISP ${account.ispId}: /portal`}\n`,
      );
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await server.close();
  }
}
