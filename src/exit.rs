//! Exit statuses a script can rely on (README, `odc --help`), shared by the
//! commands and the UI: 0 success, 1 a failure, 2 bad usage, 3 a folder not found,
//! 4 a file not found; signals give 128 + their number.

pub const SOME_FAILED: u8 = 1;
pub const USAGE: u8 = 2;
pub const FOLDER_NOT_FOUND: u8 = 3;
pub const FILE_NOT_FOUND: u8 = 4;
