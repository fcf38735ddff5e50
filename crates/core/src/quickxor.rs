//! QuickXorHash, the checksum OneDrive reports in `file.hashes.quickXorHash`
//! (Graph reference §9).
//!
//! Every input byte at absolute offset `i` is XORed into a 160-bit register after a
//! rotation by `(11 * i) mod 160` bits. Because the rotation depends only on
//! `i mod 160`, bytes 160 apart land on the same bits, so we first XOR the input
//! into a 160-byte accumulator (one cell per residue, a loop the compiler
//! vectorises) and apply the 160 rotations once, in `finish`. That makes hashing
//! run at memory speed, which matters: the client hashes every byte it moves and
//! the emulator hashes multi-GiB generated files.

use base64::Engine as _;

const WIDTH_BYTES: usize = 20; // 160 bits
const STRIDE: usize = 160; // rotations repeat every 160 input bytes
const SHIFT: usize = 11;

/// Streaming QuickXorHash. Chunking never changes the result.
#[derive(Clone)]
pub struct QuickXorHash {
    cells: [u8; STRIDE],
    length: u64,
}

impl Default for QuickXorHash {
    fn default() -> Self {
        Self::new()
    }
}

impl QuickXorHash {
    pub fn new() -> Self {
        Self {
            cells: [0; STRIDE],
            length: 0,
        }
    }

    /// A hasher for the bytes of a file from `offset` on. Every byte lands on the
    /// same bits whichever hasher takes it, so the parts of a file hashed apart
    /// (each range of a download in several streams) make the whole file's hash
    /// with [`QuickXorHash::combine`].
    pub fn starting_at(offset: u64) -> Self {
        Self {
            cells: [0; STRIDE],
            length: offset,
        }
    }

    /// The hash of a file of `total` bytes from hashers of its parts, which
    /// together took each byte exactly once.
    pub fn combine<'a>(parts: impl IntoIterator<Item = &'a QuickXorHash>, total: u64) -> Self {
        let mut whole = Self::new();
        for part in parts {
            for (cell, byte) in whole.cells.iter_mut().zip(part.cells) {
                *cell ^= byte;
            }
        }
        whole.length = total;
        whole
    }

    /// Bytes hashed so far (for a hasher [`starting_at`](Self::starting_at) an
    /// offset: the offset it has reached).
    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    pub fn update(&mut self, mut data: &[u8]) {
        let mut cell = (self.length % STRIDE as u64) as usize;
        self.length += data.len() as u64;
        // Align to a stride boundary byte by byte, then XOR whole strides.
        while cell != 0 && !data.is_empty() {
            self.cells[cell] ^= data[0];
            data = &data[1..];
            cell = (cell + 1) % STRIDE;
        }
        // Plain index loops: in the lightly optimised test build, iterator adapters
        // here become calls into unoptimised shared generic code, ten times slower.
        let mut at = 0;
        while at < data.len() {
            let n = (data.len() - at).min(STRIDE);
            let mut j = 0;
            while j < n {
                self.cells[j] ^= data[at + j];
                j += 1;
            }
            at += n;
        }
    }

    /// The 20 raw digest bytes.
    pub fn digest(&self) -> [u8; WIDTH_BYTES] {
        let mut register = [0u8; WIDTH_BYTES];
        for (residue, &byte) in self.cells.iter().enumerate() {
            if byte == 0 {
                continue;
            }
            let shift = (SHIFT * residue) % 160;
            let (index, bit) = (shift / 8, shift % 8);
            register[index] ^= byte << bit;
            if bit != 0 {
                register[(index + 1) % WIDTH_BYTES] ^= byte >> (8 - bit);
            }
        }
        // The length goes into the last 8 bytes (12..20), little-endian.
        for (slot, len_byte) in register[12..].iter_mut().zip(self.length.to_le_bytes()) {
            *slot ^= len_byte;
        }
        register
    }

    /// The digest as OneDrive writes it: standard base64 with padding.
    pub fn finish_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.digest())
    }
}

/// QuickXorHash of a whole buffer, base64-encoded.
pub fn quickxor_base64(data: &[u8]) -> String {
    let mut hasher = QuickXorHash::new();
    hasher.update(data);
    hasher.finish_base64()
}

/// Hashes a file's first `limit` bytes (all of it with None), reading 1 MiB at a time.
/// A file shorter than `limit` gives the hash of what is there; check `len()`.
pub async fn hash_file(
    path: &std::path::Path,
    limit: Option<u64>,
) -> std::io::Result<QuickXorHash> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = QuickXorHash::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = limit.unwrap_or(u64::MAX);
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = file.read(&mut buf[..want]).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(hasher)
}

/// A quickXorHash value as bytes. Graph sends base64, but one personal account was
/// seen returning 40 hex digits (Graph reference §9), so a value that is not base64
/// of 20 bytes is read as hex. None for anything else (a hostile or broken value).
pub fn decode_hash(text: &str) -> Option<[u8; WIDTH_BYTES]> {
    let text = text.trim();
    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text)
        && let Ok(digest) = <[u8; WIDTH_BYTES]>::try_from(bytes.as_slice())
    {
        return Some(digest);
    }
    if text.len() != WIDTH_BYTES * 2 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut digest = [0u8; WIDTH_BYTES];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(digest)
}

/// Compares a quickXorHash value from the service with computed bytes.
pub fn hashes_match(expected_from_service: &str, computed: &[u8; WIDTH_BYTES]) -> bool {
    decode_hash(expected_from_service).is_some_and(|d| &d == computed)
}

/// Compares two quickXorHash values as either side may write them; values that do
/// not decode are compared as text.
pub fn same_hash(a: &str, b: &str) -> bool {
    match (decode_hash(a), decode_hash(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap()
    }

    /// Every vector of Graph reference §9.
    #[test]
    fn reference_vectors() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![], "AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            (vec![0x4A], "SgAAAAAAAAAAAAAAAQAAAAAAAAA="),
            (b64("tbQ="), "taAFAAAAAAAAAAAAAgAAAAAAAAA="),
            (
                b64("2fuxhBJXtpWFe8dOfdGeHw=="),
                "O9tHLAghgSvYohKFyMMxnNCHaHg=",
            ),
            (b"hello world".to_vec(), "aCgDG9jwBhDc4Q1yawMZAAAAAAA="),
            (b"abc".to_vec(), "YRDDGAAAAAAAAAAAAwAAAAAAAAA="),
            (
                b"The quick brown fox jumps over the lazy dog".to_vec(),
                "bMSlbysmxJL6S75XwfMcQZOpcr4=",
            ),
            (vec![0u8; 1000], "AAAAAAAAAAAAAAAA6AMAAAAAAAA="),
        ];
        for (input, expected) in cases {
            assert_eq!(quickxor_base64(&input), expected, "input {input:?}");
        }
    }

    /// A plain bit-by-bit transcription of the definition, to check the fast path
    /// on inputs longer than the vectors.
    fn reference_impl(data: &[u8]) -> [u8; 20] {
        let mut bits = [false; 160];
        for (i, &byte) in data.iter().enumerate() {
            let shift = (11 * i) % 160;
            for j in 0..8 {
                if byte >> j & 1 == 1 {
                    let k = (j + shift) % 160;
                    bits[k] = !bits[k];
                }
            }
        }
        let mut out = [0u8; 20];
        for (k, &set) in bits.iter().enumerate() {
            if set {
                out[k / 8] |= 1 << (k % 8);
            }
        }
        for (slot, b) in out[12..].iter_mut().zip((data.len() as u64).to_le_bytes()) {
            *slot ^= b;
        }
        out
    }

    #[test]
    fn parts_hashed_apart_combine_into_the_whole() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 31 % 253) as u8).collect();
        let mut whole = QuickXorHash::new();
        whole.update(&data);
        // Cuts anywhere, not on 160-byte boundaries, hashed in any order.
        let cuts = [0usize, 1, 159, 161, 2_500, 7_777, 10_000];
        let mut parts: Vec<QuickXorHash> = cuts
            .windows(2)
            .map(|w| {
                let mut part = QuickXorHash::starting_at(w[0] as u64);
                part.update(&data[w[0]..w[1]]);
                assert_eq!(part.len(), w[1] as u64);
                part
            })
            .collect();
        parts.reverse();
        let combined = QuickXorHash::combine(&parts, data.len() as u64);
        assert_eq!(combined.digest(), whole.digest());
        // A part missing is a different hash.
        let short = QuickXorHash::combine(&parts[1..], data.len() as u64);
        assert_ne!(short.digest(), whole.digest());
    }

    #[test]
    fn chunking_does_not_change_the_result() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let whole = reference_impl(&data);
        for chunk in [1, 7, 159, 160, 161, 1000, 4999] {
            let mut hasher = QuickXorHash::new();
            for piece in data.chunks(chunk) {
                hasher.update(piece);
            }
            assert_eq!(hasher.digest(), whole, "chunk size {chunk}");
            assert_eq!(hasher.len(), 5000);
        }
    }

    #[test]
    fn hex_values_are_accepted() {
        let digest = {
            let mut h = QuickXorHash::new();
            h.update(b"abc");
            h.digest()
        };
        let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
        assert!(hashes_match(&hex, &digest));
        assert!(hashes_match("YRDDGAAAAAAAAAAAAwAAAAAAAAA=", &digest));
        assert!(!hashes_match("AAAAAAAAAAAAAAAAAAAAAAAAAAA=", &digest));
        assert!(!hashes_match("garbage", &digest));
    }
}
