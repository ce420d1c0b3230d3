/**
 * Traffic Light Protocol 2.0 (FIRST, 2022): the label every report, shared item and export
 * carries. TLP:RED is for the named recipients of a conversation only.
 */

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
