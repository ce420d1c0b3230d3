import type { Migration } from './migration.ts';

/**
 * Version 9 is another change's (the list must count up without gaps, and device history is
 * 010). This stand-in keeps the numbering whole on this branch and is replaced by that change
 * when the two meet; it alters nothing.
 */
export const reserved009: Migration = {
  version: 9,
  name: 'reserved',
  sql: '',
};
