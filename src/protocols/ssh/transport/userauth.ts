/**
 * The client half of "ssh-userauth" (RFC 4252) that a credential check needs: the
 * service request, "none" (to learn the methods), "password", and "keyboard-interactive"
 * (RFC 4256) answered with the password. Nothing of the connection protocol: no
 * channel is ever opened.
 */
import type { ReadEnd } from '../../../scope/connection.ts';
import type { MessageStream } from './stream.ts';
import { createWireReader, sshBoolean, sshByte, sshMessage, sshString, sshUint32, SshProtocolError } from './wire.ts';

export type AuthAnswer =
  | { kind: 'success' }
  | { kind: 'failure'; methods: string[]; partialSuccess: boolean }
  /** password: the server accepted the password but wants it changed (SSH_MSG_USERAUTH_PASSWD_CHANGEREQ). */
  | { kind: 'password-change' }
  /** keyboard-interactive: a prompt that is neither a password nor a user name question. */
  | { kind: 'unanswerable'; prompt: string }
  | { kind: 'ended'; end: ReadEnd; error?: string; disconnect?: string };

export interface AuthClient {
  /** USERAUTH_BANNER texts the server sent so far (capped). */
  readonly banners: readonly string[];
  /** Ask for the ssh-userauth service. Resolves true once accepted. */
  requestService(): Promise<{ accepted: true } | Extract<AuthAnswer, { kind: 'ended' }>>;
  none(username: string): Promise<AuthAnswer>;
  password(username: string, password: string): Promise<AuthAnswer>;
  keyboardInteractive(username: string, password: string): Promise<AuthAnswer>;
}

/** Messages read while waiting for one answer (banners, global requests …) before giving up. */
const maxMessagesPerAnswer = 32;
/** keyboard-interactive rounds of prompts per attempt. */
const maxPromptRounds = 5;
const maxPromptsPerRound = 16;
const maxBanners = 4;
const maxBannerLength = 512;

const passwordPrompt = /pass(?:word|code|phrase)?\b|passwd|\bpin\b|secret|kennwort|mot de passe|contrase|パスワード|密码/i;
const usernamePrompt = /user(?:name)?\b|login|account/i;

/**
 * How to answer one keyboard-interactive prompt, if we can.
 * @example answerPrompt('Password: ', 'root', 'xc3511') // 'xc3511'
 */
export function answerPrompt(prompt: string, username: string, password: string): string | undefined {
  if (passwordPrompt.test(prompt)) return password;
  if (usernamePrompt.test(prompt)) return username;
  return undefined;
}

/**
 * @example const auth = createAuthClient(stream); await auth.requestService(); await auth.password('root', 'xc3511')
 */
export function createAuthClient(stream: MessageStream): AuthClient {
  const banners: string[] = [];

  const request = (username: string, method: string, ...fields: Buffer[]) =>
    stream.writeMessage(Buffer.concat([sshByte(sshMessage.USERAUTH_REQUEST), sshString(username), sshString('ssh-connection'), sshString(method), ...fields]));

  /** The next message that answers an auth request; banners are collected on the way. */
  const readAnswer = async (): Promise<{ payload: Buffer } | Extract<AuthAnswer, { kind: 'ended' }>> => {
    for (let count = 0; count < maxMessagesPerAnswer; count++) {
      const read = await stream.readMessage();
      if (!('payload' in read)) return { kind: 'ended', ...read };
      const type = read.payload[0];
      if (type === sshMessage.USERAUTH_BANNER) {
        const reader = createWireReader(read.payload, 'USERAUTH_BANNER');
        reader.byte();
        if (banners.length < maxBanners) banners.push(reader.text().slice(0, maxBannerLength));
        continue;
      }
      if (type === sshMessage.GLOBAL_REQUEST) continue; // nothing we would accept; the connection closes soon anyway
      return read;
    }
    throw new SshProtocolError('too many messages without an answer to the authentication request');
  };

  const common = (payload: Buffer): AuthAnswer | undefined => {
    if (payload[0] === sshMessage.USERAUTH_SUCCESS) return { kind: 'success' };
    if (payload[0] === sshMessage.USERAUTH_FAILURE) {
      const reader = createWireReader(payload, 'USERAUTH_FAILURE');
      reader.byte();
      return { kind: 'failure', methods: reader.nameList(), partialSuccess: reader.boolean() };
    }
    return undefined;
  };

  const simpleAnswer = async (allowPasswordChange: boolean): Promise<AuthAnswer> => {
    const answer = await readAnswer();
    if (!('payload' in answer)) return answer;
    const known = common(answer.payload);
    if (known) return known;
    if (allowPasswordChange && answer.payload[0] === sshMessage.USERAUTH_60) return { kind: 'password-change' };
    throw new SshProtocolError(`unexpected message ${answer.payload[0]} in answer to an authentication request`);
  };

  return {
    banners,
    async requestService() {
      await stream.writeMessage(Buffer.concat([sshByte(sshMessage.SERVICE_REQUEST), sshString('ssh-userauth')]));
      const answer = await readAnswer();
      if (!('payload' in answer)) return answer;
      if (answer.payload[0] !== sshMessage.SERVICE_ACCEPT) throw new SshProtocolError(`ssh-userauth refused (message ${answer.payload[0]})`);
      return { accepted: true };
    },
    async none(username) {
      await request(username, 'none');
      return simpleAnswer(false);
    },
    async password(username, password) {
      await request(username, 'password', sshBoolean(false), sshString(password));
      return simpleAnswer(true);
    },
    async keyboardInteractive(username, password) {
      await request(username, 'keyboard-interactive', sshString(''), sshString(''));
      for (let round = 0; round < maxPromptRounds; round++) {
        const answer = await readAnswer();
        if (!('payload' in answer)) return answer;
        const known = common(answer.payload);
        if (known) return known;
        if (answer.payload[0] !== sshMessage.USERAUTH_60) throw new SshProtocolError(`unexpected message ${answer.payload[0]} during keyboard-interactive`);
        const reader = createWireReader(answer.payload, 'USERAUTH_INFO_REQUEST');
        reader.byte();
        reader.text(); // name
        reader.text(); // instruction
        reader.text(); // language tag
        const count = reader.uint32();
        if (count > maxPromptsPerRound) throw new SshProtocolError(`${count} keyboard-interactive prompts`);
        const responses: string[] = [];
        for (let index = 0; index < count; index++) {
          const prompt = reader.text();
          reader.boolean(); // echo
          const response = answerPrompt(prompt, username, password);
          if (response === undefined) return { kind: 'unanswerable', prompt: prompt.slice(0, 128) };
          responses.push(response);
        }
        await stream.writeMessage(
          Buffer.concat([sshByte(sshMessage.USERAUTH_INFO_RESPONSE), sshUint32(responses.length), ...responses.map((text) => sshString(text))]),
        );
      }
      return { kind: 'unanswerable', prompt: `more than ${maxPromptRounds} rounds of prompts` };
    },
  };
}
