//! Speed and ETA from sampled byte counts. Pure: the caller passes the time, so
//! tests drive it with exact numbers.

use std::collections::VecDeque;

/// Seconds of history the speed is averaged over.
const WINDOW_MS: i64 = 5_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateMeter {
    samples: VecDeque<(i64, u64)>,
}

impl RateMeter {
    /// Records `bytes` done at `now_ms`.
    pub fn sample(&mut self, now_ms: i64, bytes: u64) {
        if let Some(&(_, last)) = self.samples.back()
            && bytes < last
        {
            // Restarted from zero (a new session, an ignored Range): start over.
            self.samples.clear();
        }
        self.samples.push_back((now_ms, bytes));
        while let Some(&(t, _)) = self.samples.front() {
            if now_ms - t > WINDOW_MS && self.samples.len() > 2 {
                self.samples.pop_front();
            } else {
                break;
            }
        }
    }

    /// Starts over from `bytes` at `now_ms`: a jump that is not speed (a
    /// transfer that continued from what an earlier attempt had moved).
    pub fn rebase(&mut self, now_ms: i64, bytes: u64) {
        self.samples.clear();
        self.samples.push_back((now_ms, bytes));
    }

    /// Bytes per second over the window, once two samples exist.
    pub fn speed(&self) -> Option<u64> {
        let (&(t0, b0), &(t1, b1)) = (self.samples.front()?, self.samples.back()?);
        if t1 <= t0 {
            return None;
        }
        Some(((b1 - b0) as f64 * 1000.0 / (t1 - t0) as f64) as u64)
    }

    /// Seconds left for `total` bytes at the current speed.
    pub fn eta(&self, total: u64) -> Option<u64> {
        let done = self.samples.back()?.1;
        let speed = self.speed().filter(|&s| s > 0)?;
        Some(total.saturating_sub(done).div_ceil(speed))
    }
}

/// `m:ss`, or `h:mm:ss` from an hour up.
pub fn clock(seconds: u64) -> String {
    if seconds >= 3600 {
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::RateMeter;

    #[test]
    fn speed_and_eta_over_a_window() {
        let mut meter = RateMeter::default();
        assert_eq!(meter.speed(), None);
        meter.sample(0, 0);
        assert_eq!(meter.speed(), None);
        meter.sample(1_000, 1_000_000);
        assert_eq!(meter.speed(), Some(1_000_000));
        assert_eq!(meter.eta(10_000_000), Some(9));
        meter.sample(2_000, 3_000_000);
        assert_eq!(meter.speed(), Some(1_500_000));
        // Old samples leave the 5 s window.
        for s in 3..=10 {
            meter.sample(s * 1_000, 3_000_000 + (s as u64 - 2) * 500_000);
        }
        assert_eq!(meter.speed(), Some(500_000));
        assert_eq!(meter.eta(7_000_000), Some(0));
    }

    #[test]
    fn a_restart_resets_the_meter() {
        let mut meter = RateMeter::default();
        meter.sample(0, 0);
        meter.sample(1_000, 5_000);
        meter.sample(2_000, 100);
        assert_eq!(meter.speed(), None);
        meter.sample(3_000, 1_100);
        assert_eq!(meter.speed(), Some(1_000));
        assert_eq!(meter.eta(1_100), Some(0));
        let stalled = {
            let mut m = RateMeter::default();
            m.sample(0, 10);
            m.sample(1_000, 10);
            m
        };
        assert_eq!(stalled.eta(100), None, "no ETA without progress");
    }
}
