/**
 * What TLP means for sharing: TLP:RED never leaves, so `assertShareable` is the check every
 * writer runs on what it writes; MISP spells the labels as tags. The labels: core/tlp.ts.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { TlpLabel } from '../core/tlp.ts';

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
