// One column of a loaded immutable segment: typed views into the file image in the shared
// memory, built by segment.ts from the section directory. Layouts: segments/FORMAT.md, written
// by columnEncoder.ts.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { assert } from '../../host/util/assert.js';
import type {
  ColumnReader,
  ForwardIndexLocator,
  InvertedIndexReader,
  RangeIndexReader,
  ValueBlock,
} from '../spi/columnReader.js';
import type { IdRange } from '../spi/dictionary.js';
import type { DocIdSet, DocRange } from '../spi/docIdSet.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import type { ImmutableDictionary } from './immutableDictionary.js';
import { PackedIdReader } from './packedIds.js';
import type { RawValues } from './rawValues.js';

/** The forward index of a dictionary column: bit-packed ids, plus offsets for MV. */
export interface PackedIds {
  readonly packed: Uint8Array;
  readonly ptr: number;
  /** MV: docCount + 1 u32 offsets into the packed ids, with their pointer. */
  readonly mvOffsets: Uint32Array | undefined;
  readonly mvOffsetsPtr: number;
}

export interface ColumnParts {
  readonly metadata: ColumnMetadata;
  readonly docCount: number;
  readonly dictionary: ImmutableDictionary | undefined;
  readonly ids: PackedIds | undefined;
  readonly raw: RawValues | undefined;
  /** Sorted column: cardinality + 1 u32 start docs. */
  readonly sortedStarts: Uint32Array | undefined;
  readonly invertedIndex: InvertedIndexReader | undefined;
  readonly rangeIndex: RangeIndexReader | undefined;
  readonly nullVector: DocIdSet | undefined;
}

export class ImmutableColumnReader implements ColumnReader {
  readonly name: string;
  readonly storedType: StoredType;
  readonly singleValue: boolean;
  readonly metadata: ColumnMetadata;
  readonly dictionary: ImmutableDictionary | undefined;
  readonly invertedIndex: InvertedIndexReader | undefined;
  readonly rangeIndex: RangeIndexReader | undefined;
  readonly forwardIndexLocator: ForwardIndexLocator;
  private readonly bitsPerValue: number;
  private readonly idReader: PackedIdReader | undefined;

  constructor(private readonly parts: ColumnParts) {
    this.metadata = parts.metadata;
    this.name = parts.metadata.name;
    this.storedType = parts.metadata.storedType;
    this.singleValue = parts.metadata.singleValue;
    this.dictionary = parts.dictionary;
    this.invertedIndex = parts.invertedIndex;
    this.rangeIndex = parts.rangeIndex;
    this.bitsPerValue = parts.metadata.bitsPerValue;
    this.forwardIndexLocator = this.locate();
    this.idReader =
      parts.ids === undefined ? undefined : new PackedIdReader(parts.ids.packed, this.bitsPerValue);
  }

  private locate(): ForwardIndexLocator {
    const { ids, raw, docCount } = this.parts;
    if (raw !== undefined) return raw.locator;
    assert(ids !== undefined, `column ${this.name} has a forward index`);
    if (ids.mvOffsets === undefined) {
      return { layout: 'packedIds', idsPtr: ids.ptr, bitsPerValue: this.bitsPerValue, docCount };
    }
    return {
      layout: 'multiValue',
      offsetsPtr: ids.mvOffsetsPtr,
      idsPtr: ids.ptr,
      bitsPerValue: this.bitsPerValue,
      docCount,
      totalEntries: this.metadata.totalNumberOfEntries,
    };
  }

  private checkDoc(docId: number): void {
    assert(docId >= 0 && docId < this.parts.docCount, `doc ${docId} < ${this.parts.docCount}`);
  }

  /** The id reader of an SV dictionary column; asserts that the column is one. */
  private svIdReader(): PackedIdReader {
    const ids = this.parts.ids;
    assert(ids !== undefined && ids.mvOffsets === undefined, `${this.name} is SV with ids`);
    return this.idReader!;
  }

  private mvIds(): PackedIds & { mvOffsets: Uint32Array } {
    const ids = this.parts.ids;
    assert(ids?.mvOffsets !== undefined, `column ${this.name} is multi-value`);
    return ids as PackedIds & { mvOffsets: Uint32Array };
  }

  getDictId(docId: number): number {
    this.checkDoc(docId);
    return this.svIdReader().get(docId);
  }

  getDictIds(docId: number): Uint32Array {
    this.checkDoc(docId);
    const { mvOffsets } = this.mvIds();
    const start = mvOffsets[docId]!;
    const ids = new Uint32Array(mvOffsets[docId + 1]! - start);
    for (let i = 0; i < ids.length; i++) ids[i] = this.idReader!.get(start + i);
    return ids;
  }

  getValue(docId: number): ScalarValue {
    const raw = this.parts.raw;
    if (raw !== undefined) {
      this.checkDoc(docId);
      return raw.get(docId);
    }
    return this.dictionary!.get(this.getDictId(docId));
  }

  getValues(docId: number): ScalarValue[] {
    const dictionary = this.dictionary!;
    return Array.from(this.getDictIds(docId), (id) => dictionary.get(id));
  }

  readDictIds(startDoc: number, count: number, out: Uint32Array): void {
    assert(count <= out.length, `output of ${out.length} holds ${count} ids`);
    if (count === 0) return;
    this.checkDoc(startDoc);
    this.checkDoc(startDoc + count - 1);
    const idReader = this.svIdReader();
    for (let i = 0; i < count; i++) out[i] = idReader.get(startDoc + i);
  }

  readValues(startDoc: number, count: number, out: ValueBlock): void {
    // Plain arrays grow as needed; typed arrays must already hold `count` values.
    assert(!ArrayBuffer.isView(out) || count <= out.length, `output holds ${count} values`);
    assert(this.singleValue, `readValues of multi-value column ${this.name}`);
    if (count === 0) return;
    this.checkDoc(startDoc);
    this.checkDoc(startDoc + count - 1);
    const target = out as ScalarValue[];
    if (this.parts.raw !== undefined) {
      for (let i = 0; i < count; i++) target[i] = this.parts.raw.get(startDoc + i);
      return;
    }
    const dictionary = this.dictionary!;
    const idReader = this.svIdReader();
    for (let i = 0; i < count; i++) target[i] = dictionary.get(idReader.get(startDoc + i));
  }

  sortedRange(dictId: number): DocRange | undefined {
    const starts = this.parts.sortedStarts;
    if (starts === undefined) return undefined;
    assert(dictId >= 0 && dictId + 1 < starts.length, `dict id ${dictId} in range`);
    return { startDoc: starts[dictId]!, endDoc: starts[dictId + 1]! };
  }

  sortedIdRange(ids: IdRange): DocRange | undefined {
    const starts = this.parts.sortedStarts;
    if (starts === undefined) return undefined;
    if (ids.startId >= ids.endId) return { startDoc: 0, endDoc: 0 };
    return { startDoc: starts[ids.startId]!, endDoc: starts[ids.endId]! };
  }

  nullVector(): DocIdSet | undefined {
    return this.parts.nullVector;
  }
}
