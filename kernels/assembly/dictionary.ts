// Owned by the dictionary kernel; filled in by its implementation.
