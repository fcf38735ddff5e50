//! Retry timing: exponential back-off with jitter, `Retry-After` in both forms, and
//! the gate that pauses every request to the service while it throttles us.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// Delay before retry number `attempt` (1-based): `initial * 2^(attempt-1)`, capped at
/// `max`, then scaled into `[half, full]` by `jitter` (0.0..1.0) so clients that failed
/// together do not retry together.
pub fn backoff_delay(attempt: u32, initial: Duration, max: Duration, jitter: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let base = initial.saturating_mul(1u32 << exponent).min(max);
    base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// A jitter value from the process's random source.
pub fn jitter() -> f64 {
    (odc_core::ids::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when: SystemTime = when.with_timezone(&chrono::Utc).into();
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The longest wait odc accepts from a server. Anything longer (a day, or the
/// 584 billion years of `u64::MAX` seconds) fails the request instead: a person
/// is better served by an error now than by a transfer that silently never resumes.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(3600);

/// A wait in words, for messages: "4 s", "3 min", "27 h", "213503982334601 days".
pub fn describe_wait(wait: Duration) -> String {
    let s = wait.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// What one download (with its resumes), stream or ranged read may still spend on
/// trying again: attempts after failures (`network.max_attempts`), answers that
/// said "wait" (429/503, at most [`MAX_THROTTLES`]) and time
/// (`network.retry_budget_secs`). When one runs out, the last error stands and the
/// run goes on with the other items: a host that answers 503 forever is given up.
pub struct Retries {
    pub failures: u32,
    pub throttles: u32,
    started: Instant,
    budget: Duration,
}

/// Throttling answers honoured in a row for one download or request.
pub const MAX_THROTTLES: u32 = 8;

impl Retries {
    pub fn new(budget: Duration) -> Self {
        Self {
            failures: 0,
            throttles: 0,
            started: Instant::now(),
            budget,
        }
    }

    /// Whether the time allowed is used up.
    pub fn out_of_time(&self) -> bool {
        self.started.elapsed() >= self.budget
    }

    /// Counts a throttling answer; false once too many came, or time is up.
    pub fn throttled(&mut self) -> bool {
        self.throttles += 1;
        self.throttles <= MAX_THROTTLES && !self.out_of_time()
    }
}

/// Shared by every request to the service: while paused, nobody sends.
#[derive(Default)]
pub struct ThrottleGate {
    until: Mutex<Option<Instant>>,
}

impl ThrottleGate {
    /// Pauses everyone for `delay` (extending, never shortening, a pause in force).
    pub fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay.min(MAX_SERVER_WAIT);
        let mut current = self.until.lock().unwrap();
        if current.is_none_or(|c| c < until) {
            *current = Some(until);
        }
    }

    /// Waits until no pause is in force.
    pub async fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap();
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }

    /// Time left in the current pause.
    pub fn remaining(&self) -> Duration {
        self.until
            .lock()
            .unwrap()
            .map(|u| u.saturating_duration_since(Instant::now()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let initial = Duration::from_secs(1);
        let max = Duration::from_secs(60);
        assert_eq!(backoff_delay(1, initial, max, 1.0), Duration::from_secs(1));
        assert_eq!(backoff_delay(2, initial, max, 1.0), Duration::from_secs(2));
        assert_eq!(backoff_delay(4, initial, max, 1.0), Duration::from_secs(8));
        assert_eq!(
            backoff_delay(10, initial, max, 1.0),
            Duration::from_secs(60)
        );
        assert_eq!(
            backoff_delay(40, initial, max, 1.0),
            Duration::from_secs(60)
        );
        assert_eq!(backoff_delay(3, initial, max, 0.0), Duration::from_secs(2));
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("41", now), Some(Duration::from_secs(41)));
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX)),
            "parsed as sent; the caller caps it"
        );
    }

    #[test]
    fn waits_in_words() {
        assert_eq!(describe_wait(Duration::from_secs(4)), "4 s");
        assert_eq!(describe_wait(Duration::from_secs(600)), "10 min");
        assert_eq!(describe_wait(Duration::from_secs(99_999)), "27 h");
        assert_eq!(
            describe_wait(Duration::from_secs(u64::MAX)),
            "213503982334601 days"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_gate_holds_everyone_until_the_pause_ends() {
        let gate = std::sync::Arc::new(ThrottleGate::default());
        gate.pause(Duration::from_secs(30));
        gate.pause(Duration::from_secs(10));
        let started = Instant::now();
        gate.wait().await;
        assert_eq!(
            started.elapsed().as_secs(),
            30,
            "a shorter pause does not shorten"
        );
        assert_eq!(gate.remaining(), Duration::ZERO);
        // A pause can never overflow the clock.
        gate.pause(Duration::from_secs(u64::MAX));
        assert_eq!(gate.remaining(), MAX_SERVER_WAIT);
    }
}
