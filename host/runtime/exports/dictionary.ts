// Exports of kernels/assembly/dictionary.ts, typed for the host. Filled in with the kernel.
export interface DictionaryExports {
  readonly __dictionaryMarker?: never;
}
