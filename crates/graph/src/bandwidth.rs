//! One bandwidth limit for the whole process (`--bwlimit`, `transfer.bwlimit`), as
//! rclone's: every slice of every upload and every chunk of every download, over
//! all streams, fragments and accounts together, takes its bytes from one budget
//! per direction. A transfer waits for its share rather than sending in bursts
//! (at most a tenth of a second ahead), and the limit can change while transfers
//! run (the UI's key): the next slice goes at the new rate.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How far ahead of the rate a transfer may go (a burst the network smooths out).
const AHEAD: Duration = Duration::from_millis(100);

/// Bytes per second for uploads and for downloads; None is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limit {
    pub up: Option<u64>,
    pub down: Option<u64>,
}

impl Limit {
    /// rclone's spelling: `off`, `1M`, `500k`, `2.5M`, `10M:1M` (upload:download);
    /// a plain number is KiB/s; units are binary (`k` is 1024 bytes per second).
    pub fn parse(text: &str) -> Result<Limit, String> {
        let text = text.trim();
        match text.split_once(':') {
            Some((up, down)) => Ok(Limit {
                up: rate(up)?,
                down: rate(down)?,
            }),
            None => {
                let both = rate(text)?;
                Ok(Limit {
                    up: both,
                    down: both,
                })
            }
        }
    }

    pub fn is_off(&self) -> bool {
        self.up.is_none() && self.down.is_none()
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |rate: Option<u64>| match rate {
            None => "off".to_string(),
            Some(bytes) => format!("{}/s", humansize::format_size(bytes, humansize::BINARY)),
        };
        if self.up == self.down {
            write!(f, "{}", shown(self.up))
        } else {
            write!(f, "↑ {} ↓ {}", shown(self.up), shown(self.down))
        }
    }
}

/// One rate: `off`, or a number with an optional `b`, `k`, `M`, `G` (binary).
fn rate(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") || text.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "{:?} is not a bandwidth: write 1M, 500k, off, or UP:DOWN such as 10M:1M",
            odc_core::display::escape_control(text)
        )
    };
    let (number, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c),
        _ => (text, 'k'),
    };
    let scale: f64 = match unit.to_ascii_lowercase() {
        'b' => 1.0,
        'k' => 1024.0,
        'm' => 1024.0 * 1024.0,
        'g' => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    if !value.is_finite() || value <= 0.0 {
        return Err(bad());
    }
    Ok(Some(((value * scale) as u64).max(1)))
}

/// A budget of bytes per second shared by everything going one way.
struct Budget {
    /// Bytes per second; 0 is no limit.
    rate: AtomicU64,
    /// When the bytes handed out so far will have gone at the rate.
    next: Mutex<Option<Instant>>,
}

impl Budget {
    const fn new() -> Budget {
        Budget {
            rate: AtomicU64::new(0),
            next: Mutex::new(None),
        }
    }

    fn set(&self, rate: Option<u64>) {
        self.rate.store(rate.unwrap_or(0), Ordering::Relaxed);
        *self.next.lock().unwrap() = None;
    }

    fn rate(&self) -> Option<u64> {
        Some(self.rate.load(Ordering::Relaxed)).filter(|r| *r > 0)
    }

    /// How long to wait before sending `bytes` more.
    fn reserve(&self, bytes: usize) -> Duration {
        let Some(rate) = self.rate() else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        let mut next = self.next.lock().unwrap();
        let start = next.filter(|n| *n > now).unwrap_or(now);
        let end = start + Duration::from_secs_f64(bytes as f64 / rate as f64);
        *next = Some(end);
        end.saturating_duration_since(now).saturating_sub(AHEAD)
    }
}

static UP: Budget = Budget::new();
static DOWN: Budget = Budget::new();

/// Sets the process's limit (None in a direction: no limit that way).
pub fn set(limit: Limit) {
    UP.set(limit.up);
    DOWN.set(limit.down);
}

/// The process's limit now.
pub fn current() -> Limit {
    Limit {
        up: UP.rate(),
        down: DOWN.rate(),
    }
}

/// Waits until `bytes` more may be sent.
pub async fn sending(bytes: usize) {
    let wait = UP.reserve(bytes);
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

/// Waits until `bytes` more may be received (called as they arrive, so the
/// connection's window closes and the sender slows down).
pub async fn receiving(bytes: usize) {
    let wait = DOWN.reserve(bytes);
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_in_rclones_spelling() {
        let k = 1024;
        assert_eq!(Limit::parse("off").unwrap(), Limit::default());
        assert_eq!(Limit::parse("1M").unwrap().up, Some(1024 * k));
        assert_eq!(Limit::parse("500k").unwrap().down, Some(500 * k));
        assert_eq!(Limit::parse("2.5M").unwrap().up, Some(2560 * k));
        assert_eq!(
            Limit::parse("100").unwrap().up,
            Some(100 * k),
            "KiB/s by default"
        );
        assert_eq!(Limit::parse("512b").unwrap().up, Some(512));
        let split = Limit::parse("10M:off").unwrap();
        assert_eq!((split.up, split.down), (Some(10 * 1024 * k), None));
        for bad in ["fast", "-1M", "0", "1X", "1M:2Q", "nan"] {
            assert!(
                Limit::parse(bad).unwrap_err().contains("not a bandwidth"),
                "{bad}"
            );
        }
        assert_eq!(Limit::parse("1M").unwrap().to_string(), "1 MiB/s");
        assert_eq!(
            Limit::parse("1M:off").unwrap().to_string(),
            "↑ 1 MiB/s ↓ off"
        );
    }

    #[test]
    fn a_budget_spaces_what_it_hands_out_at_its_rate() {
        let budget = Budget::new();
        assert_eq!(budget.reserve(1 << 30), Duration::ZERO, "off: no wait");
        budget.set(Some(1000));
        // The first 100 bytes fit in the burst allowance; the next wait their turn.
        assert_eq!(budget.reserve(100), Duration::ZERO);
        let wait = budget.reserve(1000);
        assert!(
            wait > Duration::from_millis(950) && wait <= Duration::from_millis(1000),
            "{wait:?}"
        );
        budget.set(None);
        assert_eq!(budget.reserve(1 << 30), Duration::ZERO);
    }
}
