// The star-trees of a loaded immutable segment: views into the file image in the shared memory
// (layout: starTreeLayout.ts, FORMAT.md kind 20), with the pointers the kernels read. The
// loader registers them per segment (withStarTrees); the query engine asks starTreesOf.
import type { Segment } from '../spi/segment.js';
import { SectionKind, type SectionEntry } from './format.js';
import {
  decodeStarTreeSection,
  type StarTreeDescription,
  type StarTreeSketchColumn,
} from './starTreeLayout.js';

export interface StarTree {
  readonly description: StarTreeDescription;
  /** Node words (NODE_WORDS per node, root first). */
  readonly nodes: Uint32Array;
  readonly dims: Uint32Array;
  readonly metrics: Float64Array;
  readonly recordCount: number;
  /** Where dims and metrics start in the shared memory (for the kernels). */
  readonly dimsPtr: number;
  readonly metricsPtr: number;
  /** Split-order index of each dimension name, and record column of each metric slot name. */
  readonly dimensionIndex: ReadonlyMap<string, number>;
  readonly metricIndex: ReadonlyMap<string, number>;
  /** Per sketch slot (description.sketches order), each record's serialized state. */
  readonly sketches: readonly StarTreeSketchColumn[];
  /** Index in `sketches` of each sketch slot name (`hll(8):x`). */
  readonly sketchIndex: ReadonlyMap<string, number>;
}

/** Trees per loaded segment; weak, so a dropped segment takes its trees with it. */
const treesBySegment = new WeakMap<Segment, readonly StarTree[]>();

/** The trees of the STAR_TREE sections of a validated file image lying at `ptr`. */
export function loadStarTrees(
  file: Uint8Array,
  ptr: number,
  entries: readonly SectionEntry[],
  filePath: string,
): StarTree[] {
  return entries
    .filter((entry) => entry.kind === SectionKind.STAR_TREE)
    .map((entry) => {
      const bytes = file.subarray(entry.offset, entry.offset + entry.lengthBytes);
      const view = decodeStarTreeSection(bytes, filePath);
      const base = ptr + entry.offset;
      return {
        ...view,
        dimsPtr: base + view.offsets.dims,
        metricsPtr: base + view.offsets.metrics,
        dimensionIndex: new Map(view.description.dimensionsSplitOrder.map((name, d) => [name, d])),
        metricIndex: new Map(view.description.metrics.map((name, m) => [name, m])),
        sketchIndex: new Map((view.description.sketches ?? []).map((name, s) => [name, s])),
      };
    });
}

/** Registers the segment's trees (from its file image) and returns the segment. */
export function withStarTrees<T extends Segment>(
  segment: T,
  file: Uint8Array,
  ptr: number,
  entries: readonly SectionEntry[],
  filePath: string,
): T {
  const trees = loadStarTrees(file, ptr, entries, filePath);
  if (trees.length > 0) treesBySegment.set(segment, trees);
  return segment;
}

/** The star-trees a segment carries (none for consuming segments and files without any). */
export function starTreesOf(segment: Segment): readonly StarTree[] {
  return treesBySegment.get(segment) ?? [];
}
