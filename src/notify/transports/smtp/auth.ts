/**
 * SMTP AUTH (RFC 4954) with the two mechanisms every relay offers: PLAIN (RFC 4616) and
 * LOGIN. Both send the password in the clear inside base64, which is why the client only
 * authenticates over TLS or to a relay on the same host.
 */
import { failureFromReply, replyText, type SmtpReply } from './codec.ts';
import type { SmtpConversation } from './conversation.ts';
import type { DeliveryOutcome } from '../types.ts';

export interface SmtpCredentials {
  username: string;
  password: string;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Authenticate with PLAIN if offered, else LOGIN. Resolves undefined on success, or the
 * outcome that ends the delivery (535 → permanent, 454 → temporary, nothing usable → permanent).
 * @example const failure = await authenticate(conversation, ['PLAIN', 'LOGIN'], { username: 'u', password: 'p' });
 */
export async function authenticate(
  conversation: SmtpConversation,
  mechanisms: readonly string[],
  credentials: SmtpCredentials,
): Promise<DeliveryOutcome | undefined> {
  let reply: SmtpReply;
  if (mechanisms.includes('PLAIN')) {
    // The optional initial response saves a round trip (RFC 4954 §4).
    reply = await conversation.command(`AUTH PLAIN ${base64(`\u0000${credentials.username}\u0000${credentials.password}`)}`, 'AUTH PLAIN');
  } else if (mechanisms.includes('LOGIN')) {
    reply = await conversation.command('AUTH LOGIN', 'AUTH LOGIN');
    if (reply.code === 334) reply = await conversation.command(base64(credentials.username), 'AUTH LOGIN username');
    if (reply.code === 334) reply = await conversation.command(base64(credentials.password), 'AUTH LOGIN password');
  } else {
    return {
      status: 'permanent-failure',
      detail: `AUTH: the server offers ${mechanisms.length ? mechanisms.join(', ') : 'no mechanism'}; only PLAIN and LOGIN are supported`,
    };
  }
  if (reply.code === 235) return undefined;
  if (reply.code === 334) {
    // A server still asking for more would otherwise keep us in the exchange; "*" cancels it (RFC 4954 §4).
    await conversation.command('*', 'AUTH cancel');
    return { status: 'permanent-failure', detail: `AUTH: the server kept asking for more data (${replyText(reply)})` };
  }
  return failureFromReply(reply, 'AUTH');
}
