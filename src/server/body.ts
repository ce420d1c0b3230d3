/**
 * Request bodies, read only when a handler (or the CSRF check) asks, and never beyond a
 * limit: 64 KiB for forms, 1 MiB for JSON. A larger body is a 413 without reading the rest.
 */
import { HttpError } from './responses.ts';

export const formLimitBytes = 64 * 1024;
export const jsonLimitBytes = 1024 * 1024;

/** Where the bytes of a body come from: a buffer (app.request) or a socket stream (app.handle). */
export interface BodySource {
  /** The whole body, or HttpError 413 as soon as it is known to exceed `limit`. */
  read(limit: number): Promise<Buffer>;
}

/**
 * @example bodyFromBuffer(Buffer.from('a=1')).read(100)
 */
export function bodyFromBuffer(body: Buffer): BodySource {
  return {
    async read(limit) {
      if (body.length > limit) throw new HttpError(413, 'request body too large');
      return body;
    },
  };
}

/**
 * A body streamed in chunks; reading stops (413) at the first chunk past the limit.
 * @example bodyFromStream(nodeRequest)
 */
export function bodyFromStream(stream: AsyncIterable<Buffer | string>): BodySource {
  let consumed: Promise<Buffer> | undefined;
  return {
    read(limit) {
      consumed ??= (async () => {
        const chunks: Buffer[] = [];
        let length = 0;
        try {
          for await (const chunk of stream) {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            length += bytes.length;
            if (length > limit) throw new HttpError(413, 'request body too large');
            chunks.push(bytes);
          }
        } catch (error) {
          // A client that hangs up mid-body made a bad request, not a server fault.
          throw error instanceof HttpError ? error : new HttpError(400, 'request body incomplete');
        }
        return Buffer.concat(chunks, length);
      })();
      return consumed;
    },
  };
}

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Which limit applies to a request with this content type.
 * @example bodyLimit('application/json') // 1048576
 */
export function bodyLimit(contentType: string | undefined): number {
  return mediaType(contentType) === 'application/json' ? jsonLimitBytes : formLimitBytes;
}

/**
 * Lazily parsed form and JSON bodies of one request; each is parsed once.
 * @example const body = createBodyReader(source, headers['content-type']); const form = await body.form()
 */
export function createBodyReader(source: BodySource, contentType: string | undefined): { form(): Promise<URLSearchParams>; json(): Promise<unknown> } {
  let form: Promise<URLSearchParams> | undefined;
  let json: Promise<unknown> | undefined;
  const type = mediaType(contentType);
  return {
    form() {
      form ??= (async () => {
        if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'expected a form');
        return new URLSearchParams((await source.read(formLimitBytes)).toString('utf8'));
      })();
      return form;
    },
    json() {
      json ??= (async () => {
        if (type !== 'application/json') throw new HttpError(415, 'expected JSON');
        try {
          return JSON.parse((await source.read(jsonLimitBytes)).toString('utf8')) as unknown;
        } catch (error) {
          if (error instanceof HttpError) throw error;
          throw new HttpError(400, 'malformed JSON');
        }
      })();
      return json;
    },
  };
}
