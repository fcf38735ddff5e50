//! Limits of the service that both the client and the emulator obey (Graph reference §5.3).

/// Upload-session fragments must be multiples of this (320 KiB), except the last.
pub const FRAGMENT_UNIT: u64 = 327_680;
/// Upload-session fragments must be smaller than this (60 MiB).
pub const FRAGMENT_LIMIT: u64 = 60 * 1024 * 1024;

/// The largest file OneDrive takes: 250 GB (Microsoft's restrictions article,
/// reference §5.4; rclone reads it as 250 GiB, which this follows). A larger file
/// is refused before any request is sent.
pub const MAX_FILE_BYTES: u64 = 250 << 30;
