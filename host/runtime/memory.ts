// One WebAssembly.Memory({ shared: true }) per process: segment buffers live in it (Pinot's
// off-heap buffers) and every worker instantiates the kernels on it, so any worker can run a
// query on any segment without copying.

/** A wasm page is 64 KiB by the WebAssembly spec. */
export const WASM_PAGE_BYTES = 65_536;
/** wasm32 addresses 4 GiB at most: 65,536 pages. */
export const WASM32_MAX_PAGES = 65_536;
/** Start small: 16 MiB covers the module's static data, scratch and a few small segments. */
export const DEFAULT_INITIAL_PAGES = 256;

export interface SharedMemoryOptions {
  initialPages?: number;
  /** Upper bound of growth. Defaults to the wasm32 limit; only address space is reserved. */
  maximumPages?: number;
}

export function createSharedMemory(options: SharedMemoryOptions = {}): WebAssembly.Memory {
  const maximum = options.maximumPages ?? WASM32_MAX_PAGES;
  const initial = Math.min(options.initialPages ?? DEFAULT_INITIAL_PAGES, maximum);
  return new WebAssembly.Memory({ initial, maximum, shared: true });
}
