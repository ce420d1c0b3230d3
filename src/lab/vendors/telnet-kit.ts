/**
 * Telnet dialogue styles found on embedded Linux devices: busybox telnetd + login
 * ("<host> login:", "Login incorrect") and the "Username:/Password:" consoles of ISP
 * routers and printers.
 */
import { DO, IAC, OPTION_ECHO, OPTION_NAWS, OPTION_SGA, WILL } from '../../protocols/telnet/codec.ts';
import { busyboxAt } from './software.ts';
import { deviceNumber, pad, type TelnetPersona } from './profile.ts';

/** What busybox telnetd sends on accept: it wants the window size and does echo itself. */
export const busyboxNegotiation = Buffer.from([IAC, DO, OPTION_ECHO, IAC, DO, OPTION_NAWS, IAC, WILL, OPTION_ECHO, IAC, WILL, OPTION_SGA]);
/** Vendor consoles that only announce echo and suppress-go-ahead. */
export const consoleNegotiation = Buffer.from([IAC, WILL, OPTION_ECHO, IAC, WILL, OPTION_SGA]);

/**
 * CRLF-joined text block framed by blank lines, as an /etc/issue file prints.
 * @example issueText(['Quillon QR-841N']) // '\r\nQuillon QR-841N\r\n\r\n'
 */
export function issueText(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * The banner an ash shell prints on start, with the build stamp of the firmware.
 * @example busyboxWelcome('2013-03-14') // "\r\n\r\nBusyBox v1.20.2 (2013-03-14 11:28:31 CST) built-in shell (ash)\r\n..."
 */
export function busyboxWelcome(firmwareDate: string): string {
  const seconds = deviceNumber(firmwareDate, 'build-time') % 86_400;
  const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  const version = busyboxAt(firmwareDate);
  const helpLine = version < '1.25' ? "Enter 'help' for a list of built-in commands.\r\n" : '';
  return `\r\n\r\nBusyBox v${version} (${firmwareDate} ${time} CST) built-in shell (ash)\r\n${helpLine}\r\n`;
}

/**
 * busybox telnetd running /bin/login.
 * @example busyboxLogin({ hostname: 'IPCAM', issue: '', firmwareDate: '2014-05-02', shellPrompt: '# ' })
 */
export function busyboxLogin(options: { hostname: string; issue: string; firmwareDate: string; shellPrompt: string; welcomeExtra?: string }): TelnetPersona {
  return {
    negotiation: busyboxNegotiation,
    issue: options.issue,
    loginPrompt: `${options.hostname} login: `,
    passwordPrompt: 'Password: ',
    loginFailed: '\r\nLogin incorrect\r\n',
    welcome: busyboxWelcome(options.firmwareDate) + (options.welcomeExtra ?? ''),
    shellPrompt: options.shellPrompt,
    maxFailures: 3,
  };
}

/**
 * A vendor console that asks "Username:" then "Password:" (no host name in the prompt).
 * @example usernameConsole({ issue: '', failure: '\r\n% Login failed!\r\n', welcome: '\r\n', shellPrompt: '/ # ' })
 */
export function usernameConsole(options: { issue: string; failure: string; welcome: string; shellPrompt: string }): TelnetPersona {
  return {
    negotiation: consoleNegotiation,
    issue: options.issue,
    loginPrompt: 'Username: ',
    passwordPrompt: 'Password: ',
    loginFailed: options.failure,
    welcome: options.welcome,
    shellPrompt: options.shellPrompt,
    maxFailures: 3,
  };
}
