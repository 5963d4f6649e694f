// ColumnReader over a mutable column, bounded by a doc count: the live segment's published
// count read at each call, or a snapshot's fixed count. Nothing here writes.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { assert } from '../../host/util/assert.js';
import type {
  ColumnMetadata,
  ColumnReader,
  Dictionary,
  DocIdSet,
  DocRange,
  ForwardIndexLocator,
  IdRange,
  InvertedIndexReader,
  RangeIndexReader,
  ValueBlock,
} from '../spi/index.js';
import type { BitmapLocator } from '../spi/docIdSet.js';
import type { NumericArray } from './chunkedArrays.js';
import { SortedDocIdList } from './docIdList.js';
import type { MutableColumn } from './mutableColumn.js';

/** Bits per id of the mutable forward index: ids are whole u32s, not bit-packed. */
const MUTABLE_ID_BITS = 32;

const EMPTY_DOC_IDS = new SortedDocIdList(new Uint32Array(0), 0);

class LiveInvertedIndex implements InvertedIndexReader {
  constructor(private readonly reader: MutableColumnReader) {}

  docIds(dictId: number): DocIdSet {
    const list = this.reader.column.invertedLists![dictId];
    if (list === undefined) return EMPTY_DOC_IDS;
    return SortedDocIdList.prefix(list.ids, list.length, this.reader.docLimit());
  }

  bitmapLocator(_dictId: number): BitmapLocator | undefined {
    return undefined;
  }
}

export class MutableColumnReader implements ColumnReader {
  readonly invertedIndex: InvertedIndexReader | undefined;
  readonly rangeIndex: RangeIndexReader | undefined = undefined;
  readonly forwardIndexLocator: ForwardIndexLocator | undefined = undefined;
  private dictionaryView: Dictionary | undefined;

  /**
   * `fixed` undefined: follow the segment's published count at each call. A snapshot passes
   * the doc count and dictionary size it read once.
   */
  constructor(
    readonly column: MutableColumn,
    private readonly publishedDocCount: () => number,
    private readonly fixed?: { readonly docCount: number; readonly cardinality: number },
  ) {
    this.invertedIndex =
      column.invertedLists === undefined ? undefined : new LiveInvertedIndex(this);
  }

  docLimit(): number {
    return this.fixed?.docCount ?? this.publishedDocCount();
  }

  get name(): string {
    return this.column.name;
  }

  get storedType(): StoredType {
    return this.column.storedType;
  }

  get singleValue(): boolean {
    return this.column.singleValue;
  }

  /** Ids any doc below the limit can hold: the dictionary size when the limit was read. */
  get dictionary(): Dictionary | undefined {
    const dictionary = this.column.dictionary;
    if (dictionary === undefined) return undefined;
    const cardinality = this.fixed?.cardinality ?? dictionary.cardinality;
    // Reuse the view while the size holds, so per-doc `reader.dictionary` costs no allocation.
    if (this.dictionaryView?.cardinality !== cardinality) {
      this.dictionaryView = dictionary.view(cardinality);
    }
    return this.dictionaryView;
  }

  get metadata(): ColumnMetadata {
    const { column } = this;
    const docCount = this.docLimit();
    const totalEntries = column.singleValue ? docCount : column.mvOffsets!.get(docCount);
    return {
      name: column.name,
      dataType: column.field.dataType,
      storedType: column.storedType,
      singleValue: column.singleValue,
      hasDictionary: column.dictionary !== undefined,
      cardinality: this.dictionary?.cardinality ?? docCount,
      bitsPerValue: column.dictionary === undefined ? 0 : MUTABLE_ID_BITS,
      isSorted: false,
      hasInvertedIndex: column.invertedLists !== undefined,
      hasRangeIndex: false,
      minValue: docCount === 0 ? undefined : column.minValue,
      maxValue: docCount === 0 ? undefined : column.maxValue,
      totalNumberOfEntries: totalEntries,
      maxNumberOfMultiValues: column.maxMultiValues,
      nullCount: this.nullVector()?.cardinality() ?? 0,
    };
  }

  private checkDoc(docId: number): void {
    assert(docId >= 0 && docId < this.docLimit(), `doc ${docId} lies in the published prefix`);
  }

  getDictId(docId: number): number {
    assert(this.column.singleValue && this.column.dictionary !== undefined, 'SV dictionary column');
    this.checkDoc(docId);
    return this.column.forwardIds.get(docId);
  }

  getDictIds(docId: number): Uint32Array {
    assert(!this.column.singleValue, `${this.name} is a multi-value column`);
    this.checkDoc(docId);
    const offsets = this.column.mvOffsets!;
    const start = offsets.get(docId);
    const ids = new Uint32Array(offsets.get(docId + 1) - start);
    this.column.forwardIds.copyTo(start, ids.length, ids);
    return ids;
  }

  getValue(docId: number): ScalarValue {
    assert(this.column.singleValue, `${this.name} is a single-value column`);
    this.checkDoc(docId);
    const { column } = this;
    if (column.dictionary !== undefined) {
      return column.dictionary.values[column.forwardIds.get(docId)]!;
    }
    if (column.rawNumbers !== undefined) return column.rawNumbers.get(docId);
    return column.rawObjects![docId]!;
  }

  getValues(docId: number): ScalarValue[] {
    const values = this.column.dictionary!.values;
    return Array.from(this.getDictIds(docId), (id) => values[id]!);
  }

  readDictIds(startDoc: number, count: number, out: Uint32Array): void {
    assert(this.column.singleValue && this.column.dictionary !== undefined, 'SV dictionary column');
    assert(startDoc >= 0 && startDoc + count <= this.docLimit(), 'docs lie in the prefix');
    this.column.forwardIds.copyTo(startDoc, count, out);
  }

  readValues(startDoc: number, count: number, out: ValueBlock): void {
    assert(this.column.singleValue, `${this.name} is a single-value column`);
    assert(startDoc >= 0 && startDoc + count <= this.docLimit(), 'docs lie in the prefix');
    const { column } = this;
    if (column.rawNumbers !== undefined) {
      column.rawNumbers.copyTo(startDoc, count, out as NumericArray);
      return;
    }
    if (column.rawObjects !== undefined) {
      for (let i = 0; i < count; i++) out[i] = column.rawObjects[startDoc + i]!;
      return;
    }
    const { forwardIds } = column;
    const values = column.dictionary!.values;
    const target = out as { [index: number]: ScalarValue };
    for (let i = 0; i < count; i++) target[i] = values[forwardIds.get(startDoc + i)]!;
  }

  sortedRange(_dictId: number): DocRange | undefined {
    return undefined;
  }

  sortedIdRange(_ids: IdRange): DocRange | undefined {
    return undefined;
  }

  nullVector(): DocIdSet | undefined {
    const { nullDocs } = this.column;
    const set = SortedDocIdList.prefix(nullDocs.ids, nullDocs.length, this.docLimit());
    return set.cardinality() === 0 ? undefined : set;
  }
}
