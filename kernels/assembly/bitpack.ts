// Owned by the bitpack kernel; filled in by its implementation.
