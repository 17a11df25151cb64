// C1: word-level diff of two versions (history drawer). Myers' O(ND)
// algorithm, run twice: first over paragraphs, so a regenerated text that
// shares a few paragraphs lines up on them, then over the words of each
// changed stretch. Each run has an edit budget: past it the stretch is shown
// as one deletion and one insertion instead of spending seconds on it.

export type DiffKind = 'EQUAL' | 'INSERT' | 'DELETE';

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

/** Word-level edits beyond this in one stretch: the stretch is replaced whole. */
const WORD_EDIT_BUDGET = 1500;
const PARAGRAPH_EDIT_BUDGET = 2000;

/** Words, runs of spaces and single punctuation marks, so that joining the tokens gives the text back. */
export function tokenize(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}\p{M}_'’-]+|[^\s\p{L}\p{N}\p{M}_'’-]/gu) ?? [];
}

/** Paragraphs with the blank lines that follow them, so that joining gives the text back. */
function paragraphs(text: string): string[] {
  const pieces = text.split(/(\n[ \t]*\n\s*)/);
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    const paragraph = (pieces[i] as string) + (pieces[i + 1] ?? '');
    if (paragraph) out.push(paragraph);
  }
  return out;
}

type Op = [DiffKind, number, number]; // kind, index in a (DELETE/EQUAL), index in b (INSERT/EQUAL)

/** Myers' shortest edit script between a and b, or null when it needs more than maxEdits edits. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, maxEdits);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, offset);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number, offset: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const prevK = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (v[offset + prevK] as number);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push(['EQUAL', x, y]);
    }
    if (d > 0) {
      if (x === prevX) ops.push(['INSERT', x, prevY]);
      else ops.push(['DELETE', prevX, y]);
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function push(out: DiffPart[], kind: DiffKind, text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.kind === kind) last.text += text;
  else out.push({ kind, text });
}

function diffTokens(a: string[], b: string[], out: DiffPart[]): void {
  const ops = myers(a, b, WORD_EDIT_BUDGET);
  if (!ops) {
    push(out, 'DELETE', a.join(''));
    push(out, 'INSERT', b.join(''));
    return;
  }
  // Runs of equal text and of changes (deleted, inserted).
  const runs: Array<{ equal: string } | { del: string; ins: string }> = [];
  for (const [kind, i, j] of ops) {
    const last = runs[runs.length - 1];
    if (kind === 'EQUAL') {
      if (last && 'equal' in last) last.equal += a[i] as string;
      else runs.push({ equal: a[i] as string });
    } else {
      const change = last && 'del' in last ? last : (runs[runs.push({ del: '', ins: '' }) - 1] as { del: string; ins: string });
      if (kind === 'DELETE') change.del += a[i] as string;
      else change.ins += b[j] as string;
    }
  }
  // A lone short word or a space between two changes reads better inside one
  // change ("the old text" → "a new one") than as confetti.
  for (let k = 1; k + 1 < runs.length; k++) {
    const [before, middle, after] = [runs[k - 1]!, runs[k]!, runs[k + 1]!];
    if (!('equal' in middle) || 'equal' in before || 'equal' in after) continue;
    const words = tokenize(middle.equal).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
    if (words > 1 || middle.equal.length > 12 || middle.equal.includes('\n')) continue;
    runs.splice(k - 1, 3, { del: before.del + middle.equal + after.del, ins: before.ins + middle.equal + after.ins });
    k = Math.max(0, k - 2);
  }
  // Deletions before insertions inside a change reads naturally ("old new").
  for (const run of runs) {
    if ('equal' in run) push(out, 'EQUAL', run.equal);
    else {
      push(out, 'DELETE', run.del);
      push(out, 'INSERT', run.ins);
    }
  }
}

/** The edits that turn `before` into `after`, as alternating runs of equal, deleted and inserted text. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const out: DiffPart[] = [];
  if (before === after) {
    push(out, 'EQUAL', before);
    return out;
  }
  const pa = paragraphs(before);
  const pb = paragraphs(after);
  const ops = myers(pa, pb, PARAGRAPH_EDIT_BUDGET) ?? [...pa.map((_, i): Op => ['DELETE', i, 0]), ...pb.map((_, j): Op => ['INSERT', 0, j])];
  let deleted: string[] = [];
  let inserted: string[] = [];
  const flush = () => {
    if (deleted.length || inserted.length) diffTokens(tokenize(deleted.join('')), tokenize(inserted.join('')), out);
    deleted = [];
    inserted = [];
  };
  for (const [kind, i, j] of ops) {
    if (kind === 'EQUAL') {
      flush();
      push(out, 'EQUAL', pa[i] as string);
    } else if (kind === 'DELETE') deleted.push(pa[i] as string);
    else inserted.push(pb[j] as string);
  }
  flush();
  return out;
}

export function diffStats(parts: readonly DiffPart[]): { insertedWords: number; deletedWords: number } {
  const words = (text: string) => tokenize(text).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
  let insertedWords = 0;
  let deletedWords = 0;
  for (const part of parts) {
    if (part.kind === 'INSERT') insertedWords += words(part.text);
    else if (part.kind === 'DELETE') deletedWords += words(part.text);
  }
  return { insertedWords, deletedWords };
}
