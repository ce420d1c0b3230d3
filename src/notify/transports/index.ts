/**
 * The delivery transports the outbox sends reports through. See docs/delivery.md.
 */
export type { DeliveryOutcome, OutgoingAttachment, OutgoingMessage, RejectedRecipient, Transport } from './types.ts';
export { buildMimeMessage, type MimeOptions } from './mime.ts';
export { parseMimeMessage, type ParsedAttachment, type ParsedMessage } from './mime-parse.ts';
export { createSmtpTransport, type SmtpTransportOptions } from './smtp/client.ts';
export { createWebhookTransport, outcomeForStatus, type WebhookTransportOptions } from './webhook.ts';
export { signWebhookBody, verifyWebhookSignature, signatureHeader, timestampHeader } from './webhook-signature.ts';
export { createFileDropTransport, fileStem, type FileDropTransportOptions } from './file-drop.ts';
