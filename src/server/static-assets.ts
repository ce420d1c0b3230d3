/**
 * Static files under /assets/: the site's own (src/server/assets/) and the installed
 * Apache ECharts bundle. Names are single path segments from a fixed alphabet with a known
 * extension, so no request can reach outside the folder. Files are read once per app and
 * kept with their gzip form and an ETag.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const compressible = new Set(['.css', '.js', '.json', '.svg', '.txt']);

/** A day, then revalidation by ETag: names carry no content hash, so "forever" would pin old files. */
export const assetCacheControl = 'public, max-age=86400';

export interface Asset {
  contentType: string;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
}

export interface AssetStore {
  /** The asset, or undefined when there is no such (allowed) file. */
  get(name: string): Promise<Asset | undefined>;
}

export const defaultAssetDirectory = fileURLToPath(new URL('./assets/', import.meta.url));

function echartsBundlePath(): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve('echarts/dist/echarts.min.js'));
  } catch {
    return undefined;
  }
}

/**
 * @example const assets = createAssetStore(); const css = await assets.get('site.css')
 */
export function createAssetStore(options: { directory?: string } = {}): AssetStore {
  const directory = options.directory ?? defaultAssetDirectory;
  const loaded = new Map<string, Promise<Asset | undefined>>();
  const load = async (name: string): Promise<Asset | undefined> => {
    const file = name === 'echarts.min.js' ? echartsBundlePath() : join(directory, name);
    if (!file) return undefined;
    try {
      // A symbolic link out of the folder is refused like a "../" would be.
      const [real, root] = await Promise.all([realpath(file), name === 'echarts.min.js' ? undefined : realpath(directory)]);
      if (root !== undefined && !real.startsWith(root + sep)) return undefined;
      const body = await readFile(real);
      const extension = extname(name);
      return {
        contentType: contentTypes[extension]!,
        body,
        gzip: compressible.has(extension) && body.length > 1024 ? gzipSync(body) : undefined,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      };
    } catch {
      return undefined;
    }
  };
  return {
    get(name) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/.test(name) || contentTypes[extname(name)] === undefined) return Promise.resolve(undefined);
      let asset = loaded.get(name);
      if (!asset) {
        asset = load(name);
        // Missing files are not remembered, so an asset added while running is found.
        void asset.then((found) => {
          if (!found) loaded.delete(name);
        });
        loaded.set(name, asset);
      }
      return asset;
    },
  };
}
