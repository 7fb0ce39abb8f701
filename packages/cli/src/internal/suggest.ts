/** Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `a` into `b`. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] ?? Number.POSITIVE_INFINITY;
}

/**
 * The candidate `word` was most likely meant to be: the nearest within two edits (one for words of
 * up to four letters), or one that starts with it; `undefined` when none is that near.
 *
 * @example
 * closest("lsit", ["check", "list", "generate"]) // "list"
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // No command or option is this long: a long word is no misspelling (and the table would be large).
  if (word.length > 40) return undefined;
  const limit = word.length <= 4 ? 1 : 2;
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = candidate.startsWith(word) && word.length >= 3 ? 0.5 : distance(word, candidate);
    if (edits <= limit && (best === undefined || edits < best.edits)) best = { candidate, edits };
  }
  return best?.candidate;
}
