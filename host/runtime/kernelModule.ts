// Loads build/kernels.wasm (compiled once per process) and instantiates it on a given shared
// memory. Workers receive the compiled module and the memory and call the same function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KernelExports } from './kernelExports.js';

/** dist/host/runtime/ → repository root → build/kernels.wasm. */
const KERNELS_WASM_URL = new URL('../../../build/kernels.wasm', import.meta.url);

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels module; compiled once, then shared (a Module is cloneable to workers). */
export function kernelsModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(fileURLToPath(KERNELS_WASM_URL)));
  return compiled;
}

export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
}

/** Reads an AssemblyScript string (UTF-16, byte length at ptr - 4) for abort messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const bytes = new Uint8Array(memory.buffer);
  const lengthBytes = new DataView(memory.buffer).getUint32(ptr - 4, true);
  let text = '';
  for (let i = 0; i < lengthBytes; i += 2) {
    text += String.fromCharCode(bytes[ptr + i]! | (bytes[ptr + i + 1]! << 8));
  }
  return text;
}

export function instantiateKernels(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module = kernelsModule(),
): KernelInstance {
  const imports = {
    env: {
      memory,
      // Kernel assertions are programmer errors: surface them with the kernel's own words.
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const message = readAsString(memory, messagePtr);
        const file = readAsString(memory, filePtr);
        throw new Error(`kernel assertion failed: ${message} at ${file}:${line}:${column}`);
      },
    },
  };
  const instance = new WebAssembly.Instance(module, imports);
  return { exports: instance.exports as unknown as KernelExports, memory };
}
