// Random access to bit-packed ids (kernels/BITPACK.md: LSB-first, which is a little-endian
// stream of u32 words) through a Uint32Array view: the section is 64-byte aligned and its padded
// size is a multiple of 4, so a value spanning two words can always read the second.
import { assert } from '../../host/util/assert.js';
import { MAX_BIT_WIDTH, PACK_TAIL_PADDING_BYTES } from '../../kernels/reference/bitpack.js';

/** Bits per u32 word. */
const WORD_BITS = 32;

assert(PACK_TAIL_PADDING_BYTES >= 4, 'the padding covers the second word of the last value');

export class PackedIdReader {
  private readonly words: Uint32Array;
  private readonly mask: number;

  constructor(
    packed: Uint8Array,
    private readonly bitWidth: number,
  ) {
    assert(bitWidth >= 1 && bitWidth <= MAX_BIT_WIDTH, `bit width ${bitWidth}`);
    assert(
      packed.byteOffset % 4 === 0 && packed.byteLength % 4 === 0,
      'packed ids are word aligned',
    );
    this.words = new Uint32Array(packed.buffer, packed.byteOffset, packed.byteLength / 4);
    this.mask = bitWidth === WORD_BITS ? 0xffff_ffff : 2 ** bitWidth - 1;
  }

  get(index: number): number {
    const bit = index * this.bitWidth;
    // bit < 2^37, so bit / 32 is below 2^32 and >>> 0 floors it.
    const word = (bit / WORD_BITS) >>> 0;
    const shift = bit % WORD_BITS;
    let value = this.words[word]! >>> shift;
    if (shift + this.bitWidth > WORD_BITS) value |= this.words[word + 1]! << (WORD_BITS - shift);
    return (value & this.mask) >>> 0;
  }
}
