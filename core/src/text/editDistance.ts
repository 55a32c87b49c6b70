/** How far apart two words are, for "did you mean" suggestions (function names, CLI commands). */

/** Optimal-string-alignment (restricted Damerau-Levenshtein) distance. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/**
 * editDistance(a, b) when it is at most `max`, else max + 1, in O(length x max): only the band of
 * cells within `max` of the diagonal, and it stops at the first row whose cells all exceed `max`.
 * For "did you mean" over thousands of candidates (a rule test's unknown attribute keyword is
 * compared with 1,100 dictionary keywords: 15 ms a line with the full distance).
 */
export function editDistanceAtMost(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  const far = max + 1;
  if (Math.abs(n - m) > max) return far;
  // Three rows, reused from call to call (this runs thousands of times per word).
  if (rows.length < 3 * (m + 1)) rows = new Int32Array(3 * (m + 1) * 2);
  let prev2 = 0;
  let prev = m + 1;
  let cur = 2 * (m + 1);
  for (let j = 0; j <= m; j++) {
    rows[prev2 + j] = far;
    rows[prev + j] = j <= max ? j : far;
  }
  for (let i = 1; i <= n; i++) {
    for (let j = 0; j <= m; j++) rows[cur + j] = far;
    rows[cur] = i <= max ? i : far;
    let best = rows[cur];
    const hi = Math.min(m, i + max);
    for (let j = Math.max(1, i - max); j <= hi; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(rows[prev + j] + 1, rows[cur + j - 1] + 1, rows[prev + j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, rows[prev2 + j - 2] + 1);
      if (d > far) d = far;
      rows[cur + j] = d;
      if (d < best) best = d;
    }
    if (best > max) return far;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(rows[prev + m], far);
}
let rows = new Int32Array(0);

/**
 * The candidate closest to `word` (case-insensitive), when it is close enough to be what was
 * meant: at most 2 edits, and fewer than half the word's length (so `ls` does not become `echo`).
 * Words longer than 64 characters get no suggestion (the distance is quadratic).
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= 2 && bestDistance * 2 < Math.max(lower.length, 2) ? best : undefined;
}
