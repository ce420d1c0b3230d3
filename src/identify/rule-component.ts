/**
 * The `component:` block of a fingerprint rule: which software the matched text shows, under
 * the CPE names vulnerability records use for it. Validated like the rest of a rule file.
 */
import type { createFieldReader, DataPath } from '../core/data-file.ts';
import { componentCpeParts, type RuleComponent } from './rule-types.ts';

type Reader = ReturnType<typeof createFieldReader>;

const componentKeys = ['product', 'cpeVendor', 'cpeProduct', 'part', 'version'] as const;
/**
 * CPE names as NVD writes them: lower case, no blanks, no ":" (which separates CPE fields).
 * A capital or a blank is almost always a display name typed where the CPE name belongs.
 */
const cpeNamePattern = /^[a-z0-9][a-z0-9._~!+-]*$/;

/**
 * Read and check one rule's `component` mapping; problems are located errors of the file.
 * @example readRuleComponent(read, { product: 'dropbear', cpeVendor: 'dropbear_ssh_project', cpeProduct: 'dropbear_ssh' }, ['rules', 0, 'component'])
 * // { product: 'dropbear', cpeVendor: 'dropbear_ssh_project', cpeProduct: 'dropbear_ssh', part: 'a' }
 */
export function readRuleComponent(read: Reader, raw: unknown, path: DataPath): RuleComponent {
  const fields = read.object(raw, path);
  read.onlyKeys(fields, path, componentKeys);
  for (const key of ['product', 'cpeVendor', 'cpeProduct'] as const) {
    if (fields[key] === undefined || fields[key] === null) read.fail(path, `component is missing required field "${key}"`);
  }
  const cpeName = (key: 'cpeVendor' | 'cpeProduct'): string => {
    const value = read.string(fields[key], [...path, key]).trim();
    if (!cpeNamePattern.test(value)) {
      read.fail([...path, key], `"${value}" is not a CPE name: write NVD's name, lower case without blanks or ":" (e.g. dropbear_ssh_project)`);
    }
    return value;
  };
  const component: RuleComponent = {
    product: read.string(fields.product, [...path, 'product']).trim(),
    cpeVendor: cpeName('cpeVendor'),
    cpeProduct: cpeName('cpeProduct'),
    part: fields.part === undefined ? 'a' : read.oneOf(fields.part, [...path, 'part'], componentCpeParts),
  };
  if (fields.version !== undefined) {
    // YAML reads an unquoted 1.10 as the number 1.1: a version must be written as text.
    if (typeof fields.version !== 'string') {
      read.fail([...path, 'version'], `write the version in quotes (YAML reads ${JSON.stringify(fields.version)} as a ${typeof fields.version})`);
    }
    component.version = read.string(fields.version, [...path, 'version']).trim();
  }
  return component;
}
