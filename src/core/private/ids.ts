import { createHash } from 'crypto';

/**
 * A construct id part for a name or key: its ASCII letters and digits plus a short hash, so it
 * is stable across synths (ids become logical ids) and unique even when names differ only in
 * other characters.
 */
export function stableIdPart(name: string, maxLetters = 40): string {
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/[^A-Za-z0-9]/g, '').slice(0, maxLetters)}${digest}`;
}
