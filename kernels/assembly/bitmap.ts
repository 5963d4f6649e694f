// Owned by the bitmap kernel; filled in by its implementation.
