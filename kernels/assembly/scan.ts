// Owned by the scan kernel; filled in by its implementation.
