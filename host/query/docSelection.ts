// The documents a filter selected in one segment: every doc in [0, docCount), or an ascending,
// duplicate-free list. The query engine combines these with and / or / andNot.

export type DocSelection =
  | { readonly kind: 'all'; readonly docCount: number }
  | { readonly kind: 'ids'; readonly ids: Uint32Array };

export const allDocs = (docCount: number): DocSelection => ({ kind: 'all', docCount });
export const docIds = (ids: Uint32Array): DocSelection => ({ kind: 'ids', ids });
export const noDocs = (): DocSelection => docIds(new Uint32Array(0));

export function rangeIds(startDoc: number, endDoc: number): Uint32Array {
  const ids = new Uint32Array(Math.max(0, endDoc - startDoc));
  for (let i = 0; i < ids.length; i++) ids[i] = startDoc + i;
  return ids;
}

/** The part of a selection below `docCount` (index entries may cover docs a prefix lacks). */
export function clipToDocCount(selection: DocSelection, docCount: number): DocSelection {
  if (selection.kind === 'all') return allDocs(Math.min(selection.docCount, docCount));
  let end = selection.ids.length;
  while (end > 0 && selection.ids[end - 1]! >= docCount) end--;
  return end === selection.ids.length ? selection : docIds(selection.ids.subarray(0, end));
}

export function selectionSize(selection: DocSelection): number {
  return selection.kind === 'all' ? selection.docCount : selection.ids.length;
}

export function toIds(selection: DocSelection): Uint32Array {
  return selection.kind === 'all' ? rangeIds(0, selection.docCount) : selection.ids;
}

export function forEachDoc(selection: DocSelection, visit: (docId: number) => void): void {
  if (selection.kind === 'all') {
    for (let docId = 0; docId < selection.docCount; docId++) visit(docId);
  } else {
    const ids = selection.ids;
    for (let i = 0; i < ids.length; i++) visit(ids[i]!);
  }
}

/** How many leading ids of `small` are also in `large` (both ascending). */
function containedPrefix(small: Uint32Array, large: Uint32Array): number {
  let j = 0;
  for (let i = 0; i < small.length; i++) {
    const x = small[i]!;
    while (j < large.length && large[j]! < x) j++;
    if (j === large.length || large[j] !== x) return i;
    j++;
  }
  return small.length;
}

export function intersect(a: DocSelection, b: DocSelection): DocSelection {
  if (a.kind === 'all') return b;
  if (b.kind === 'all') return a;
  const [small, large] = a.ids.length <= b.ids.length ? [a, b] : [b, a];
  // A filter leaf that answered within its candidates gives a subset: no copy needed then.
  const prefix = containedPrefix(small.ids, large.ids);
  if (prefix === small.ids.length) return small;
  const out = new Uint32Array(small.ids.length);
  out.set(small.ids.subarray(0, prefix));
  let i = prefix;
  let j = 0;
  let n = prefix;
  while (i < small.ids.length && j < large.ids.length) {
    const x = small.ids[i]!;
    const y = large.ids[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  return docIds(out.slice(0, n));
}

export function union(a: DocSelection, b: DocSelection): DocSelection {
  if (a.kind === 'all') return a;
  if (b.kind === 'all') return b;
  const out = new Uint32Array(a.ids.length + b.ids.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.ids.length || j < b.ids.length) {
    const x = i < a.ids.length ? a.ids[i]! : Infinity;
    const y = j < b.ids.length ? b.ids[j]! : Infinity;
    if (x <= y) {
      out[n++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[n++] = y;
      j++;
    }
  }
  return docIds(out.subarray(0, n));
}

/** Docs of `a` that are not in `b`. */
export function subtract(a: DocSelection, b: DocSelection, docCount: number): DocSelection {
  if (b.kind === 'all') return noDocs();
  const left = toIds(a.kind === 'all' ? allDocs(docCount) : a);
  const out = new Uint32Array(left.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < left.length; i++) {
    const x = left[i]!;
    while (j < b.ids.length && b.ids[j]! < x) j++;
    if (j < b.ids.length && b.ids[j] === x) continue;
    out[n++] = x;
  }
  return docIds(out.subarray(0, n));
}

/** Marks docs in a byte-per-doc flag array (for fast membership while scanning). */
export function toFlags(selection: DocSelection, docCount: number): Uint8Array {
  const flags = new Uint8Array(docCount);
  if (selection.kind === 'all') flags.fill(1);
  else for (let i = 0; i < selection.ids.length; i++) flags[selection.ids[i]!] = 1;
  return flags;
}
