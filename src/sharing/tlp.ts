/**
 * Traffic Light Protocol 2.0 (FIRST, 2022): the label every shared item and export carries.
 * TLP:RED is for the named recipients of a conversation only, so nothing marked RED may ever
 * be written into an export: `assertShareable` is the check every writer runs on what it writes.
 */
import { OpenNoticeError } from '../core/errors.ts';

export type TlpLabel = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';

/** From least to most restrictive: an export is labelled with the most restrictive label of its items. */
export const tlpLabels: readonly TlpLabel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/**
 * Read a label as people write it ("amber+strict", "TLP:GREEN", "white" for TLP 1.0's CLEAR).
 * @example parseTlp('tlp:amber+strict') // 'AMBER+STRICT'
 */
export function parseTlp(text: string): TlpLabel | undefined {
  const upper = text.trim().toUpperCase().replace(/^TLP:/, '');
  if (upper === 'WHITE') return 'CLEAR';
  return tlpLabels.find((label) => label === upper);
}

/** @example strictestTlp(['GREEN', 'AMBER']) // 'AMBER' */
export function strictestTlp(labels: readonly TlpLabel[]): TlpLabel {
  let strictest = 0;
  for (const label of labels) strictest = Math.max(strictest, tlpLabels.indexOf(label));
  return tlpLabels[strictest]!;
}

/** MISP's tag ("tlp:amber+strict", lower case as the MISP taxonomy spells it). */
export const mispTlpTag = (label: TlpLabel) => `tlp:${label.toLowerCase()}`;

/**
 * Throw unless every label may leave: the last line of defence, run by the writer on the very
 * items it is about to write, whatever selected them.
 * @example assertShareable(['GREEN', 'AMBER'], { recipient: 'cert-a' })
 */
export function assertShareable(labels: Iterable<TlpLabel>, context: { recipient: string; format?: string }): void {
  for (const label of labels)
    if (label === 'RED') throw new OpenNoticeError('SHARING_REFUSED', 'a TLP:RED item reached an export writer; TLP:RED never leaves', { ...context });
}
