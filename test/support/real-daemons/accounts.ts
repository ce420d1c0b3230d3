/**
 * Throw-away login accounts for the credential test bed: created with useradd (root only),
 * each with a home under the test's directory whose .profile starts a recorder in place
 * of a shell. The recorder shows a "# " prompt, as a device's shell does, then keeps every
 * byte the session receives: a test asserts the file stays empty after the checker's login.
 * /bin/sh stays the login shell, so /etc/shells (vsftpd's pam_shells, dropbear) is untouched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AccountSpec {
  username: string;
  password: string;
}

export interface TestAccounts {
  /** Whether the account's shell ever started (a login that got as far as a session). */
  shellStarted(username: string): boolean;
  /** Every byte the account's shell received. */
  received(username: string): Buffer;
  /** Removes the accounts this set created (never one that existed before). */
  remove(): void;
}

const namePattern = /^[a-z][a-z0-9_-]{0,30}$/;

/**
 * Create the accounts; any that exists already stops the test (it is someone else's).
 * `directory` must be world-traversable (homes and the recorder live there).
 * @example const accounts = createAccounts(dir, [{ username: 'netopia', password: 'netopia' }])
 */
export function createAccounts(directory: string, specs: readonly AccountSpec[]): TestAccounts {
  chmodSync(directory, 0o755);
  const recorder = join(directory, 'record-shell');
  writeFileSync(
    recorder,
    [
      '#!/bin/sh',
      "# Stands in for a device's shell: a prompt, then every byte received is kept.",
      `echo started > ${directory}/started-$(id -un)`,
      `log=${directory}/received-$(id -un)`,
      "printf '# '",
      'exec cat >> "$log"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const created: string[] = [];
  const remove = () => {
    for (const username of created.splice(0)) spawnSync('userdel', [username], { stdio: 'ignore' });
  };
  try {
    for (const { username, password } of specs) {
      if (!namePattern.test(username)) throw new Error(`"${username}" is not a user name useradd takes`);
      if (spawnSync('id', [username], { stdio: 'ignore' }).status === 0) throw new Error(`account ${username} exists already: the test bed does not touch it`);
      const home = join(directory, 'home', username);
      mkdirSync(join(directory, 'home'), { recursive: true, mode: 0o755 });
      execFileSync('useradd', ['--no-user-group', '--home-dir', home, '--create-home', '--shell', '/bin/sh', username], { stdio: 'ignore' });
      created.push(username);
      execFileSync('chpasswd', { input: `${username}:${password}\n` });
      writeFileSync(join(home, '.profile'), `exec ${recorder}\n`);
      const { uid } = userIds(username);
      for (const file of [`received-${username}`, `started-${username}`]) {
        writeFileSync(join(directory, file), '');
        chownSync(join(directory, file), uid, -1);
      }
      chownSync(join(home, '.profile'), uid, -1);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return {
    shellStarted: (username) => existsSync(join(directory, `started-${username}`)) && readFileSync(join(directory, `started-${username}`)).length > 0,
    received: (username) => readFileSync(join(directory, `received-${username}`)),
    remove,
  };
}

function userIds(username: string): { uid: number } {
  return { uid: Number(execFileSync('id', ['-u', username], { encoding: 'utf8' }).trim()) };
}

/**
 * A password no dictionary holds, for the strong control accounts.
 * @example strongPassword('telnet') // 'Tq7-telnet-Xw2!vR9m'
 */
export function strongPassword(label: string): string {
  return `Tq7-${label}-Xw2!vR9m`;
}
