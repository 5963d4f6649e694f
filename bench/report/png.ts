// A minimal PNG writer (8-bit RGB, no interlace) over node:zlib, and a bar chart drawn on it:
// enough for RESULTS.md's chart without a graphics dependency.
import { deflateSync } from 'node:zlib';

/** PNG's fixed 8-byte signature. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bytes per RGB pixel. */
const PIXEL_BYTES = 3;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export type Rgb = readonly [number, number, number];

export class Canvas {
  private readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb) {
    this.pixels = new Uint8Array(width * height * PIXEL_BYTES);
    this.fill(0, 0, width, height, background);
  }

  fill(x: number, y: number, width: number, height: number, color: Rgb): void {
    const left = Math.max(0, Math.round(x));
    const top = Math.max(0, Math.round(y));
    const right = Math.min(this.width, Math.round(x + width));
    const bottom = Math.min(this.height, Math.round(y + height));
    for (let row = top; row < bottom; row++) {
      for (let column = left; column < right; column++) {
        this.pixels.set(color, (row * this.width + column) * PIXEL_BYTES);
      }
    }
  }

  /** Text in a 3x5 pixel font (digits, letters, a few marks) scaled by `scale`. */
  text(x: number, y: number, text: string, color: Rgb, scale = 2): void {
    let cursor = x;
    for (const character of text.toUpperCase()) {
      const glyph = GLYPHS[character] ?? GLYPHS['?']!;
      glyph.forEach((row, rowIndex) => {
        for (let bit = 0; bit < 3; bit++) {
          if (row & (4 >> bit)) {
            this.fill(cursor + bit * scale, y + rowIndex * scale, scale, scale, color);
          }
        }
      });
      cursor += 4 * scale;
    }
  }

  encode(): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, no filter, no interlace
    const stride = this.width * PIXEL_BYTES;
    const raw = Buffer.alloc((stride + 1) * this.height);
    for (let row = 0; row < this.height; row++) {
      raw[row * (stride + 1)] = 0; // filter type None
      raw.set(this.pixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
    }
    return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

/** 3x5 glyphs, one 3-bit row each, top to bottom. */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1], '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7], A: [2, 5, 7, 5, 5], B: [6, 5, 6, 5, 6],
  C: [7, 4, 4, 4, 7], D: [6, 5, 5, 5, 6], E: [7, 4, 6, 4, 7], F: [7, 4, 6, 4, 4],
  G: [7, 4, 5, 5, 7], H: [5, 5, 7, 5, 5], I: [7, 2, 2, 2, 7], J: [1, 1, 1, 5, 7],
  K: [5, 5, 6, 5, 5], L: [4, 4, 4, 4, 7], M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5],
  O: [7, 5, 5, 5, 7], P: [7, 5, 7, 4, 4], Q: [7, 5, 5, 7, 1], R: [6, 5, 6, 5, 5],
  S: [7, 4, 7, 1, 7], T: [7, 2, 2, 2, 2], U: [5, 5, 5, 5, 7], V: [5, 5, 5, 5, 2],
  W: [5, 5, 7, 7, 5], X: [5, 5, 2, 5, 5], Y: [5, 5, 2, 2, 2], Z: [7, 1, 2, 4, 7],
  '-': [0, 0, 7, 0, 0], '.': [0, 0, 0, 0, 2], '/': [1, 1, 2, 4, 4], ' ': [0, 0, 0, 0, 0],
  '%': [5, 1, 2, 4, 5], '?': [7, 1, 2, 0, 2], ':': [0, 2, 0, 2, 0], '=': [0, 7, 0, 7, 0],
  '(': [1, 2, 2, 2, 1], ')': [4, 2, 2, 2, 4],
};

export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

/** Horizontal paired bars on a log10 axis: one row per group, one colour per series. */
export function barChartPng(title: string, series: readonly string[],
  groups: readonly BarGroup[], colors: readonly Rgb[]): Buffer {
  const labelWidth = 260;
  const barHeight = 10;
  const rowHeight = barHeight * series.length + 10;
  const plotWidth = 520;
  const top = 50;
  const canvas = new Canvas(labelWidth + plotWidth + 40, top + rowHeight * groups.length + 30,
    [255, 255, 255]);
  canvas.text(10, 10, title, [0, 0, 0]);
  series.forEach((name, index) => {
    canvas.fill(10 + index * 200, 30, 12, 10, colors[index]!);
    canvas.text(28 + index * 200, 30, name, [0, 0, 0]);
  });
  const positive = groups.flatMap((group) => group.values).filter((value) => value > 0);
  const minLog = Math.floor(Math.log10(Math.min(...positive)));
  const maxLog = Math.ceil(Math.log10(Math.max(...positive)));
  const span = Math.max(1, maxLog - minLog);
  for (let decade = minLog; decade <= maxLog; decade++) {
    const x = labelWidth + ((decade - minLog) / span) * plotWidth;
    canvas.fill(x, top - 4, 1, rowHeight * groups.length + 4, [220, 220, 220]);
    canvas.text(x - 6, top + rowHeight * groups.length + 6, `1E${decade}`, [90, 90, 90]);
  }
  groups.forEach((group, groupIndex) => {
    const y = top + groupIndex * rowHeight;
    canvas.text(10, y + 4, group.label, [0, 0, 0]);
    group.values.forEach((value, index) => {
      const length = value > 0 ? ((Math.log10(value) - minLog) / span) * plotWidth : 0;
      canvas.fill(labelWidth, y + index * barHeight, Math.max(1, length), barHeight - 2,
        colors[index]!);
    });
  });
  return canvas.encode();
}
