//! Errors as the emulator sends them: Graph's JSON error shape (Graph reference §7).

use axum::http::{HeaderName, HeaderValue, StatusCode};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// The more specific code nested in `innerError`, when there is one.
    pub inner: Option<&'static str>,
    pub message: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).expect("valid status"),
            code,
            inner: None,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub fn inner(mut self, inner: &'static str) -> Self {
        self.inner = Some(inner);
        self
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "invalidRequest", message)
    }

    pub fn invalid_path(message: impl Into<String>) -> Self {
        Self::bad_request(message).inner("invalidPath")
    }

    pub fn not_found() -> Self {
        Self::new(404, "itemNotFound", "The resource could not be found.")
    }

    pub fn name_exists(name: &str) -> Self {
        Self::new(
            409,
            "nameAlreadyExists",
            format!("An item with the name '{name}' already exists in this location."),
        )
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            412,
            "resourceModified",
            "ETag does not match current item's value",
        )
    }

    pub fn quota() -> Self {
        Self::new(507, "quotaLimitReached", "Insufficient Space Available")
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
