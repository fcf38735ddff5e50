//! Fault injection and the request log.
//!
//! A [`FaultRule`] fires on the next `times` requests it matches. Throttling faults
//! (429/503 with Retry-After) open a window: until it ends, every request of that
//! kind gets the same status with the remaining time, as the real service keeps
//! refusing a client that comes back early. That makes "the client really waited"
//! visible in the log: a patient client sees exactly `times` refusals.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which part of the emulator a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Sign-in endpoints (devicecode, token).
    Identity,
    /// The Graph API under /v1.0.
    Graph,
    /// Pre-authenticated upload URLs.
    Upload,
    /// Pre-authenticated download URLs.
    Download,
    /// Copy monitor URLs.
    Monitor,
    /// The emulator's own control endpoints and pages.
    Control,
    /// Any of the above but Control.
    Any,
}

impl Target {
    fn covers(self, kind: Target) -> bool {
        self == kind || (self == Target::Any && kind != Target::Control)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "form", content = "seconds")]
pub enum RetryAfter {
    /// `Retry-After: N`.
    Seconds(u64),
    /// `Retry-After: <HTTP date N seconds from now>`.
    HttpDate(u64),
    /// This exact header value, once, with no throttling window: what a broken or
    /// hostile server might send (`18446744073709551615`, `soon`).
    Literal(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Fault {
    /// Reply with this status and Graph's error body for it (429, 500, 503, 507…).
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<RetryAfter>,
    },
    /// Send the reply's headers and `after_bytes` of its body, then cut the
    /// connection (downloads).
    DropMidBody { after_bytes: u64 },
    /// Accept `bytes` of an upload fragment, then cut the connection with no reply.
    PartialAccept { bytes: u64 },
    /// Cut the connection before replying.
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub target: Target,
    /// Only requests with this method (e.g. "PUT").
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path contains this text.
    #[serde(default)]
    pub path_contains: Option<String>,
    pub fault: Fault,
    /// How many matching requests it fires on.
    pub times: u32,
}

impl FaultRule {
    pub fn new(target: Target, fault: Fault, times: u32) -> Self {
        Self {
            target,
            method: None,
            path_contains: None,
            fault,
            times,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    pub fn path_contains(mut self, text: &str) -> Self {
        self.path_contains = Some(text.to_string());
        self
    }

    fn matches(&self, kind: Target, method: &str, path: &str) -> bool {
        self.times > 0
            && self.target.covers(kind)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }
}

/// A throttling window in force.
#[derive(Debug, Clone, Copy)]
struct Window {
    target: Target,
    status: u16,
    until: DateTime<Utc>,
    as_date: bool,
}

/// One line of the request log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    /// Path and query as received (still percent-encoded).
    pub path: String,
    pub status: u16,
    /// Whether an `Authorization` header was present.
    pub authorization: bool,
    pub target: Target,
    /// The `Range` header, when one was sent (downloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// One request of a JSON batch (the `$batch` call itself is logged too, after
    /// its requests): counting HTTP calls means leaving these out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_batch: bool,
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    windows: Mutex<Vec<Window>>,
    log: Mutex<Vec<LoggedRequest>>,
}

/// What to do with a request, decided before it is handled.
pub enum Decision {
    Proceed,
    Fault(Fault),
    /// A throttled reply: status and Retry-After value.
    Throttled {
        status: u16,
        retry_after: String,
    },
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        self.rules.lock().unwrap().push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
        self.windows.lock().unwrap().clear();
    }

    pub fn decide(&self, kind: Target, method: &str, path: &str, now: DateTime<Utc>) -> Decision {
        {
            let mut windows = self.windows.lock().unwrap();
            windows.retain(|w| w.until > now);
            if let Some(w) = windows.iter().find(|w| w.target.covers(kind)) {
                return Decision::Throttled {
                    status: w.status,
                    retry_after: retry_after_value(w.as_date, w.until, now),
                };
            }
        }
        let mut rules = self.rules.lock().unwrap();
        let Some(rule) = rules.iter_mut().find(|r| r.matches(kind, method, path)) else {
            return Decision::Proceed;
        };
        rule.times -= 1;
        let fault = rule.fault.clone();
        let target = rule.target;
        rules.retain(|r| r.times > 0);
        drop(rules);
        if let Fault::Status {
            status,
            retry_after: Some(after),
        } = fault
        {
            let (seconds, as_date) = match after {
                RetryAfter::Seconds(s) => (s, false),
                RetryAfter::HttpDate(s) => (s, true),
                RetryAfter::Literal(value) => {
                    return Decision::Throttled {
                        status,
                        retry_after: value,
                    };
                }
            };
            // Clamped so a huge window cannot overflow the clock.
            const TEN_YEARS: u64 = 10 * 365 * 24 * 3600;
            let until = now + chrono::Duration::seconds(seconds.min(TEN_YEARS) as i64);
            self.windows.lock().unwrap().push(Window {
                target,
                status,
                until,
                as_date,
            });
            return Decision::Throttled {
                status,
                retry_after: retry_after_value(as_date, until, now),
            };
        }
        Decision::Fault(fault)
    }

    pub fn record(&self, entry: LoggedRequest) {
        self.log.lock().unwrap().push(entry);
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }
}

fn retry_after_value(as_date: bool, until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if as_date {
        // Round up to the next whole second: an HTTP date has no fractions.
        let rounded = until + chrono::Duration::milliseconds(999);
        super::clock::http_date(rounded)
    } else {
        let ms = (until - now).num_milliseconds().max(0);
        (ms as u64).div_ceil(1000).max(1).to_string()
    }
}
