//! Random identifiers: request ids (UUID form) for `client-request-id`, and opaque
//! tokens for the emulator. std's `RandomState` is seeded from the OS per process;
//! hashing a counter through it gives values that are unique and unpredictable
//! enough for ids (none of these protect a secret outside loopback).

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

fn state() -> &'static RandomState {
    static STATE: OnceLock<RandomState> = OnceLock::new();
    STATE.get_or_init(RandomState::new)
}

/// A fresh random 64-bit value.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    state().hash_one((n, std::time::SystemTime::now()))
}

/// A random UUID (version 4 layout), as Graph's `client-request-id` expects.
pub fn uuid_v4() -> String {
    let hi = random_u64();
    let lo = random_u64();
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// `len` random characters from `alphabet`.
pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    let mut bits = random_u64();
    let mut left = 8;
    for _ in 0..len {
        if left == 0 {
            bits = random_u64();
            left = 8;
        }
        out.push(alphabet[(bits & 0xff) as usize % alphabet.len()] as char);
        bits >>= 8;
        left -= 1;
    }
    out
}

pub const TOKEN_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_unique_and_well_formed() {
        let a = super::uuid_v4();
        let b = super::uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
