/**
 * The file-drop transport: the report lands in a directory another system picks up (an
 * ISP's SFTP inbox, a ticket system's import folder). For a key K it writes K.eml (the whole
 * MIME message), K.json (when the message has a JSON body) and each attachment as
 * K--<n>-<name>. Every file is written to a temporary name, flushed, then renamed, so a reader
 * never sees half a file; K.eml comes last and is the commit marker. A key already delivered
 * is not written again: same key twice, one set of files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { buildMimeMessage } from './mime.ts';
import { keyText } from './mime-headers.ts';
import type { DeliveryOutcome, OutgoingMessage, Transport } from './types.ts';

export interface FileDropTransportOptions {
  directory: string;
  /** Right-hand side of the Message-ID in the .eml (default opennotice.invalid). */
  messageIdDomain?: string;
  now?: () => Date;
}

/** Keys whose encoded form is longer than this are shortened with a hash, to stay under file-name limits. */
const maxStemLength = 120;

/**
 * The file-name stem for an idempotency key: its safe encoding, or a prefix plus a hash when long.
 * @example fileStem('report/isp-7') // 'report%2Fisp-7'
 */
export function fileStem(idempotencyKey: string): string {
  const text = keyText(idempotencyKey);
  if (text.length <= maxStemLength) return text;
  return `${text.slice(0, 80)}-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** An attachment's name made safe for a file system: no separators, bounded (it always follows the key's stem, so a leading dot is harmless). */
function safeName(filename: string): string {
  let name = '';
  for (const char of filename) {
    name += /[A-Za-z0-9._-]/.test(char) ? char : [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return name.slice(0, 100).replace(/%[0-9A-F]?$/, '') || 'attachment';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Write and flush a temporary file; returns its path. */
async function writeTemporary(directory: string, stem: string, content: string | Uint8Array): Promise<string> {
  const path = join(directory, `.tmp-${stem.slice(0, 40)}-${randomBytes(8).toString('hex')}`);
  const handle = await open(path, 'wx', 0o640);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return path;
}

/** Flush the directory entry itself, so the renames survive a power cut. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the data files are already flushed.
  } finally {
    await handle.close();
  }
}

/**
 * @example
 * const drop = createFileDropTransport({ directory: '/var/spool/opennotice/isp-7' });
 * await drop.send(message); // writes report-….eml (+ .json, attachments) once
 */
export function createFileDropTransport(options: FileDropTransportOptions): Transport {
  const now = options.now ?? (() => new Date());
  const directory = options.directory;

  return {
    name: 'file',
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<DeliveryOutcome> {
      if (signal?.aborted) return { status: 'temporary-failure', detail: 'the delivery was aborted' };
      const stem = fileStem(message.idempotencyKey);
      const messagePath = join(directory, `${stem}.eml`);
      let raw: string;
      try {
        raw = buildMimeMessage(message, { date: now(), messageIdDomain: options.messageIdDomain ?? 'opennotice.invalid' });
      } catch (error) {
        return { status: 'permanent-failure', detail: `the message cannot be built: ${error instanceof Error ? error.message : String(error)}` };
      }
      const temporaries: string[] = [];
      try {
        await mkdir(directory, { recursive: true });
        if (await exists(messagePath)) return { status: 'delivered', detail: `${messagePath} already present (delivered before)` };
        const companions: Array<[string, string | Uint8Array]> = message.attachments.map((attachment, index) => [
          `${stem}--${index + 1}-${safeName(attachment.filename)}`,
          attachment.content,
        ]);
        if (message.json !== undefined) companions.push([`${stem}.json`, `${JSON.stringify(message.json, null, 2)}\n`]);
        for (const [name, content] of companions) {
          const temporary = await writeTemporary(directory, stem, content);
          temporaries.push(temporary);
          await rename(temporary, join(directory, name));
          temporaries.pop();
        }
        const temporary = await writeTemporary(directory, stem, raw);
        temporaries.push(temporary);
        try {
          // link() refuses to replace an existing file, so two concurrent sends of one key leave one .eml.
          await link(temporary, messagePath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          return { status: 'delivered', detail: `${messagePath} already present (delivered concurrently)` };
        }
        await syncDirectory(directory);
        return { status: 'delivered', detail: `written ${messagePath}${companions.length ? ` and ${companions.length} more file(s)` : ''}` };
      } catch (error) {
        // Disk full, permissions, a missing mount: all may be fixed by the operator, so retrying is right.
        return { status: 'temporary-failure', detail: `file drop into ${directory}: ${error instanceof Error ? error.message : String(error)}` };
      } finally {
        for (const temporary of temporaries) await unlink(temporary).catch(() => undefined);
      }
    },
  };
}
