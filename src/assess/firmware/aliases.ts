/**
 * Vendor and product alias tables (data in aliases.yaml), so "d-link" criteria match a
 * device read as "D-Link" and "buffalotech" matches "buffalo". Everything compares by a
 * loose key (lower case, no "-", "_" or blanks); the tables add what that cannot see.
 */
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, parseDataFile, type DataFile } from '../../core/data-file.ts';

export interface ModelProducts {
  firmware: string[];
  hardware: string[];
}

/** Read-only alias lookups; every method accepts any spelling. */
export interface AliasTable {
  /** Canonical key of a vendor, e.g. "D-Link", "d-link", "dlink" → "dlink". */
  vendorKey(vendor: string): string;
  /** The CPE vendor spelling to build names with, e.g. "Buffalo Inc." → "buffalo". */
  cpeVendor(vendor: string): string;
  /** Canonical key of a CPE product of a vendor (vendor given as a key). */
  productKey(vendorKey: string, product: string): string;
  /** CPE products for a model whose names break the usual rule, or undefined. */
  modelProducts(vendorKey: string, model: string): ModelProducts | undefined;
  /** Series prefixes a vendor uses in some CPE product names (see aliases.yaml). */
  prefixes(vendorKey: string): readonly string[];
}

/** The shipped alias file. */
export const defaultAliasFile = fileURLToPath(new URL('./aliases.yaml', import.meta.url));

/**
 * The comparison key: lower case without "-", "_" and blanks (CPE escapes removed).
 * @example looseKey('D-Link') // 'dlink'
 */
export function looseKey(text: string): string {
  const unescaped = text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
  return unescaped.toLowerCase().replace(/[-_\s]+/g, '');
}

/** CPE spelling of an unknown vendor name: lower case, blanks as "_". */
function plainCpeSpelling(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * Build the table from a parsed data file; errors point at file and line (CONFIG_INVALID).
 * @example aliasTableFromDataFile(parseDataFile('vendors: [{ canonical: dlink, aliases: [d-link] }]', 'a.yaml', 'CONFIG_INVALID')).vendorKey('D-Link') // 'dlink'
 */
export function aliasTableFromDataFile(dataFile: DataFile): AliasTable {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  read.onlyKeys(root, [], ['vendors', 'products', 'models', 'prefixes']);
  const vendorKeys = new Map<string, string>();
  const cpeVendors = new Map<string, string>();
  const claim = (map: Map<string, string>, key: string, value: string, path: Array<string | number>, what: string) => {
    const existing = map.get(key);
    if (existing !== undefined && existing !== value) read.fail(path, `${what} "${key}" already belongs to "${existing}"`);
    map.set(key, value);
  };
  const strings = (value: unknown, path: Array<string | number>) => read.list(value, path).map((item, index) => read.string(item, [...path, index]));

  read.list(root.vendors ?? [], ['vendors']).forEach((entry, index) => {
    const path = ['vendors', index];
    const vendor = read.object(entry, path);
    read.onlyKeys(vendor, path, ['canonical', 'aliases']);
    const canonical = read.string(vendor.canonical, [...path, 'canonical']);
    const key = looseKey(canonical);
    claim(vendorKeys, key, key, [...path, 'canonical'], 'vendor');
    cpeVendors.set(key, plainCpeSpelling(canonical));
    strings(vendor.aliases ?? [], [...path, 'aliases']).forEach((alias, aliasIndex) => {
      claim(vendorKeys, looseKey(alias), key, [...path, 'aliases', aliasIndex], 'vendor alias');
    });
  });
  const vendorKey = (vendor: string): string => {
    const key = looseKey(vendor);
    return vendorKeys.get(key) ?? key;
  };

  const productKeys = new Map<string, string>();
  read.list(root.products ?? [], ['products']).forEach((entry, index) => {
    const path = ['products', index];
    const product = read.object(entry, path);
    read.onlyKeys(product, path, ['vendor', 'canonical', 'aliases']);
    const vendor = vendorKey(read.string(product.vendor, [...path, 'vendor']));
    const canonical = looseKey(read.string(product.canonical, [...path, 'canonical']));
    strings(product.aliases, [...path, 'aliases']).forEach((alias, aliasIndex) => {
      claim(productKeys, `${vendor}\0${looseKey(alias)}`, canonical, [...path, 'aliases', aliasIndex], 'product alias');
    });
  });

  const models = new Map<string, ModelProducts>();
  read.list(root.models ?? [], ['models']).forEach((entry, index) => {
    const path = ['models', index];
    const model = read.object(entry, path);
    read.onlyKeys(model, path, ['vendor', 'model', 'firmware', 'hardware']);
    const key = `${vendorKey(read.string(model.vendor, [...path, 'vendor']))}\0${looseKey(read.string(model.model, [...path, 'model']))}`;
    if (models.has(key)) read.fail([...path, 'model'], 'model listed twice');
    const firmware = strings(model.firmware ?? [], [...path, 'firmware']);
    const hardware = strings(model.hardware ?? [], [...path, 'hardware']);
    if (firmware.length + hardware.length === 0) read.fail(path, 'needs firmware or hardware products');
    models.set(key, { firmware, hardware });
  });

  const prefixes = new Map<string, string[]>();
  read.list(root.prefixes ?? [], ['prefixes']).forEach((entry, index) => {
    const path = ['prefixes', index];
    const prefix = read.object(entry, path);
    read.onlyKeys(prefix, path, ['vendor', 'prefix']);
    const vendor = vendorKey(read.string(prefix.vendor, [...path, 'vendor']));
    prefixes.set(vendor, [...(prefixes.get(vendor) ?? []), looseKey(read.string(prefix.prefix, [...path, 'prefix']))]);
  });

  return {
    vendorKey,
    cpeVendor: (vendor) => cpeVendors.get(vendorKey(vendor)) ?? plainCpeSpelling(vendor),
    productKey: (vendor, product) => {
      const key = looseKey(product);
      return productKeys.get(`${vendor}\0${key}`) ?? key;
    },
    modelProducts: (vendor, model) => models.get(`${vendor}\0${looseKey(model)}`),
    prefixes: (vendor) => prefixes.get(vendor) ?? [],
  };
}

/**
 * Load an alias file (the shipped one by default).
 * @example loadAliasTable().vendorKey('buffalotech') // 'buffalo'
 */
export function loadAliasTable(file: string = defaultAliasFile): AliasTable {
  return aliasTableFromDataFile(readDataFile(file, 'CONFIG_INVALID'));
}

/** A table with no entries: only the loose-key rule applies. */
export function emptyAliasTable(): AliasTable {
  return aliasTableFromDataFile(parseDataFile('{}', '(empty alias table)', 'CONFIG_INVALID'));
}
