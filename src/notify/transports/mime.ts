/**
 * Builds the Internet message (RFC 5322 + MIME, RFC 2045–2047, 2231) that SMTP sends and the
 * file drop writes. The output is 7-bit ASCII with CRLF line ends and no line over 78
 * characters except where a header cannot fold (never over 998), so any relay can carry it
 * without SMTPUTF8 or 8BITMIME. Attachments travel base64-encoded, the text quoted-printable
 * when mostly ASCII (readable in the raw message) and base64 otherwise (Japanese): their bytes
 * arrive exactly as given (text line ends become CRLF, the canonical form of text/plain).
 */
import { createHash } from 'node:crypto';
import { OpenNoticeError } from '../../core/errors.ts';
import { base64Lines, quotedPrintableLines, textEncoding } from './encodings.ts';
import {
  addressListHeader,
  assertContentType,
  assertMailAddress,
  formatMailDate,
  messageIdFor,
  mimeParameter,
  parameterHeader,
  unstructuredHeader,
} from './mime-headers.ts';
import type { OutgoingMessage } from './types.ts';

export interface MimeOptions {
  /** Goes into the Date header (pass the clock in: builds are reproducible). */
  date: Date;
  /** Right-hand side of the Message-ID, e.g. the sending host's name. */
  messageIdDomain: string;
}

/** Recipients per message; reports go to an ISP's few abuse contacts, never to lists. */
export const maxRecipients = 100;
const maxAttachments = 100;

/** Text/plain canonical form: every line break is CRLF (RFC 2046 §4.1.1). */
function canonicalText(text: string): Buffer {
  return Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8');
}

function contentBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

/**
 * The whole message as a string of CRLF-terminated lines (no dot-stuffing: that is SMTP's job).
 * Throws CONFIG_INVALID when a header value holds CR/LF or another control character, an
 * address is not a plain mail address, or a content type is malformed.
 * @example
 * const raw = buildMimeMessage(
 *   { idempotencyKey: 'report-isp7-2025-01', from: 'notice@cert.example', to: ['abuse@isp.example'],
 *     subject: '脆弱なIoT機器のお知らせ', text: '本文', attachments: [] },
 *   { date: new Date(), messageIdDomain: 'cert.example' });
 */
export function buildMimeMessage(message: OutgoingMessage, options: MimeOptions): string {
  assertMailAddress(message.from, 'sender');
  // No recipient is allowed (RFC 5322 needs only From and Date): a file drop has no addressee.
  if (message.to.length > maxRecipients) {
    throw new OpenNoticeError('CONFIG_INVALID', `a message may have at most ${maxRecipients} recipients, not ${message.to.length}`);
  }
  if (message.attachments.length > maxAttachments) throw new OpenNoticeError('CONFIG_INVALID', `at most ${maxAttachments} attachments per message`);
  if (Number.isNaN(options.date.getTime())) throw new OpenNoticeError('CONFIG_INVALID', 'the message date is invalid');

  const headers = [
    `From: ${message.from}`,
    ...(message.to.length > 0 ? [addressListHeader('To', message.to)] : []),
    unstructuredHeader('Subject', message.subject),
    `Date: ${formatMailDate(options.date)}`,
    `Message-ID: ${messageIdFor(message.idempotencyKey, options.messageIdDomain)}`,
    // RFC 3834: tells auto-responders not to answer a machine-sent report.
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
  ];
  const text = canonicalText(message.text);
  const encoding = textEncoding(text);
  const textPart = [
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    encoding === 'base64' ? base64Lines(text) : quotedPrintableLines(text),
  ];
  if (message.attachments.length === 0) return [...headers, ...textPart].join('\r\n');

  // Base64 has no '-' or '_' and quoted-printable always encodes '=', so no part can contain "--=_opennotice_".
  const digest = createHash('sha256').update(message.idempotencyKey).update(options.date.toISOString()).digest('hex');
  const boundary = `=_opennotice_${digest.slice(0, 24)}`;
  // Each part keeps its final CRLF: the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), and a text's last line break is text.
  const parts = [textPart.join('\r\n')];
  message.attachments.forEach((attachment, index) => {
    if (attachment.contentType.length > 200) throw new OpenNoticeError('CONFIG_INVALID', `attachment ${index + 1}: content type too long`);
    assertContentType(attachment.contentType);
    if (attachment.filename.length === 0 || attachment.filename.length > 255) {
      throw new OpenNoticeError('CONFIG_INVALID', `attachment ${index + 1}: the file name must have 1 to 255 characters`);
    }
    parts.push(
      [
        parameterHeader('Content-Type', attachment.contentType, mimeParameter('name', attachment.filename)),
        parameterHeader('Content-Disposition', 'attachment', mimeParameter('filename', attachment.filename)),
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(contentBytes(attachment.content)),
      ].join('\r\n'),
    );
  });
  return [
    ...headers,
    parameterHeader('Content-Type', 'multipart/mixed', [`boundary="${boundary}"`]),
    '',
    'This is a message in MIME format.',
    ...parts.map((part) => `--${boundary}\r\n${part}`),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
