/**
 * Reply habits of FTP servers found on devices: vsftpd (routers with a USB port),
 * ProFTPD (NAS) and the BSD-derived servers of printers.
 */
import type { FtpPersona } from './profile.ts';

/** @example vsftpdPersona('3.0.3').greeting // "220 (vsFTPd 3.0.3)\r\n" */
export function vsftpdPersona(version: string): FtpPersona {
  return {
    greeting: `220 (vsFTPd ${version})\r\n`,
    passwordRequired: () => '331 Please specify the password.\r\n',
    loggedIn: () => '230 Login successful.\r\n',
    loginFailed: '530 Login incorrect.\r\n',
    loginFirst: '530 Please login with USER and PASS.\r\n',
    userFirst: '503 Login with USER first.\r\n',
    goodbye: '221 Goodbye.\r\n',
    system: '215 UNIX Type: L8\r\n',
  };
}

/** @example proftpdPersona('1.3.5e', 'Storix SXN-420', '127.77.1.2').greeting // "220 ProFTPD 1.3.5e Server (Storix SXN-420) [127.77.1.2]\r\n" */
export function proftpdPersona(version: string, serverName: string, ip: string): FtpPersona {
  return {
    greeting: `220 ProFTPD ${version} Server (${serverName}) [${ip}]\r\n`,
    passwordRequired: (user) => `331 Password required for ${user}\r\n`,
    loggedIn: (user) => `230 User ${user} logged in\r\n`,
    loginFailed: '530 Login incorrect.\r\n',
    loginFirst: '530 Please login with USER and PASS\r\n',
    userFirst: '503 Login with USER first\r\n',
    goodbye: '221 Goodbye.\r\n',
    system: '215 UNIX Type: L8\r\n',
  };
}

/**
 * BSD-ftpd-like replies of embedded printers; `greetingLines` become a multi-line 220 reply.
 * @example bsdFtpPersona(['LP-2040dn FTP server (Version 1.0.12) ready.']).greeting
 */
export function bsdFtpPersona(greetingLines: readonly string[]): FtpPersona {
  const last = greetingLines.length - 1;
  const greeting = greetingLines.map((line, index) => `220${index === last ? ' ' : '-'}${line}\r\n`).join('');
  return {
    greeting,
    passwordRequired: (user) => `331 Password required for ${user}.\r\n`,
    loggedIn: (user) => `230 User ${user} logged in.\r\n`,
    loginFailed: '530 Login incorrect.\r\n',
    loginFirst: '530 Please login with USER and PASS.\r\n',
    userFirst: '503 Login with USER first.\r\n',
    goodbye: '221 Goodbye.\r\n',
    system: '215 UNIX Type: L8 Version: BSD-199506\r\n',
  };
}
