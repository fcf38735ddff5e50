//! Limits of the service that both the client and the emulator obey (Graph reference §5.3).

/// Upload-session fragments must be multiples of this (320 KiB), except the last.
pub const FRAGMENT_UNIT: u64 = 327_680;
/// Upload-session fragments must be smaller than this (60 MiB).
pub const FRAGMENT_LIMIT: u64 = 60 * 1024 * 1024;
