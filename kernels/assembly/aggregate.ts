// Owned by the aggregate kernel; filled in by its implementation.
