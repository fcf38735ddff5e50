//! What the identity emulator has handed out: device-code grants waiting for a
//! person, access tokens and refresh tokens, with their scopes and lifetimes; and the
//! bearer-token check every Graph request goes through.

use std::collections::HashMap;

use axum::http::header;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Settings;
use super::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GrantState {
    Pending,
    Approved,
    Declined,
    Redeemed,
}

pub(super) struct DeviceGrant {
    pub(super) user_code: String,
    pub(super) tenant: String,
    pub(super) client_id: String,
    pub(super) scopes: Vec<String>,
    pub(super) expires_at: DateTime<Utc>,
    pub(super) interval_secs: u64,
    pub(super) last_poll: Option<DateTime<Utc>>,
    pub(super) polls: u32,
    pub(super) state: GrantState,
    /// Who approved the code (an index into the directory's users).
    pub(super) user: usize,
}

/// An `/authorize` request shown to a person and waiting for their choice.
pub(super) struct AuthRequest {
    pub(super) tenant: String,
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) scopes: Vec<String>,
    pub(super) state: Option<String>,
    /// `code_challenge` and its method.
    pub(super) challenge: Option<(String, String)>,
    pub(super) expires_at: DateTime<Utc>,
}

/// An authorization code handed to the app's redirect URI.
pub(super) struct AuthCode {
    pub(super) tenant: String,
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) scopes: Vec<String>,
    pub(super) challenge: Option<(String, String)>,
    pub(super) expires_at: DateTime<Utc>,
    pub(super) user: usize,
    pub(super) redeemed: bool,
}

pub(super) struct AccessGrant {
    pub(super) expires_at: DateTime<Utc>,
    pub(super) scopes: Vec<String>,
    pub(super) user: usize,
}

pub(super) struct RefreshGrant {
    pub(super) scopes: Vec<String>,
    pub(super) tenant: String,
    pub(super) revoked: Option<u32>,
    pub(super) user: usize,
}

#[derive(Default)]
pub struct IdentityState {
    pub(super) device_codes: HashMap<String, DeviceGrant>,
    pub(super) access: HashMap<String, AccessGrant>,
    pub(super) refresh: HashMap<String, RefreshGrant>,
    pub(super) auth_requests: HashMap<String, AuthRequest>,
    pub(super) codes: HashMap<String, AuthCode>,
}

/// Tokens handed out by [`IdentityState::issue`].
#[derive(Debug, Clone, Serialize)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub scope: String,
}

impl IdentityState {
    /// Approves (as `user`) or declines a pending device code.
    pub fn set_decision(&mut self, user_code: &str, approve: bool, user: usize) -> bool {
        let wanted = user_code.trim().to_uppercase().replace('-', "");
        match self
            .device_codes
            .values_mut()
            .find(|g| g.user_code == wanted && g.state == GrantState::Pending)
        {
            Some(grant) => {
                grant.user = user;
                grant.state = if approve {
                    GrantState::Approved
                } else {
                    GrantState::Declined
                };
                true
            }
            None => false,
        }
    }

    /// User codes of device codes still waiting for the user.
    pub fn pending_user_codes(&self) -> Vec<String> {
        self.device_codes
            .values()
            .filter(|g| g.state == GrantState::Pending)
            .map(|g| g.user_code.clone())
            .collect()
    }

    pub fn expire_access_tokens(&mut self) {
        let past = Utc::now() - Duration::days(3650);
        for grant in self.access.values_mut() {
            grant.expires_at = past;
        }
    }

    pub fn revoke_refresh_tokens(&mut self, code: u32) {
        for grant in self.refresh.values_mut() {
            grant.revoked = Some(code);
        }
    }

    pub fn issue(
        &mut self,
        scopes: &[String],
        tenant: &str,
        user: usize,
        now: DateTime<Utc>,
        settings: &Settings,
    ) -> IssuedTokens {
        let access_token = format!(
            "EwB{}",
            odc_core::ids::random_string(96, odc_core::ids::TOKEN_ALPHABET)
        );
        let lifetime = settings.access_token_lifetime_secs;
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                expires_at: now + Duration::seconds(lifetime as i64),
                scopes: scopes.to_vec(),
                user,
            },
        );
        let refresh_token = has_scope(scopes, "offline_access").then(|| {
            let token = format!(
                "M.C5_BAY.0.U.{}",
                odc_core::ids::random_string(120, odc_core::ids::TOKEN_ALPHABET)
            );
            self.refresh.insert(
                token.clone(),
                RefreshGrant {
                    scopes: scopes.to_vec(),
                    tenant: tenant.to_string(),
                    revoked: None,
                    user,
                },
            );
            token
        });
        let granted: Vec<&str> = scopes
            .iter()
            .map(String::as_str)
            .filter(|s| !OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s)))
            .collect();
        IssuedTokens {
            access_token,
            refresh_token,
            expires_in: lifetime,
            // The service spells scopes its own way; clients must not compare bytes.
            scope: granted.join(" "),
        }
    }

    /// Checks a bearer token for a Graph request. `needs` is the scope family the
    /// endpoint requires ("User.Read" or "Files."). Returns whose token it is.
    pub fn check_bearer(
        &self,
        authorization: Option<&str>,
        needs: &str,
        now: DateTime<Utc>,
        authority: &str,
    ) -> Result<usize, ApiError> {
        let token = authorization
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(
                ApiError::new(401, "InvalidAuthenticationToken", "Access token is empty.")
                    .header(header::WWW_AUTHENTICATE, &www_authenticate(authority)),
            );
        };
        let Some(grant) = self.access.get(token).filter(|g| g.expires_at > now) else {
            return Err(ApiError::new(
                401,
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
            )
            .header(header::WWW_AUTHENTICATE, &www_authenticate(authority)));
        };
        let allowed = grant.scopes.iter().any(|s| {
            let short = short_scope(s).to_ascii_lowercase();
            let needs = needs.to_ascii_lowercase();
            if needs.ends_with('.') {
                short.starts_with(&needs)
            } else {
                short == needs
            }
        });
        if !allowed {
            return Err(ApiError::new(
                403,
                "accessDenied",
                "Either scp or roles claim need to be present in the token.",
            ));
        }
        Ok(grant.user)
    }
}

pub(super) fn www_authenticate(authority: &str) -> String {
    format!(
        "Bearer realm=\"\", authorization_uri=\"{authority}/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\""
    )
}

pub(super) fn short_scope(scope: &str) -> &str {
    scope.strip_prefix(GRAPH_RESOURCE).unwrap_or(scope)
}

pub(super) fn has_scope(scopes: &[String], wanted: &str) -> bool {
    scopes
        .iter()
        .any(|s| short_scope(s).eq_ignore_ascii_case(wanted))
}

pub(super) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Scopes may name Graph by its resource URL (`https://graph.microsoft.com/Files.Read`).
pub(super) const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";

/// The scopes of a `scope` parameter: separated by spaces.
pub(super) fn parse_scopes(text: &str) -> Vec<String> {
    text.split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// All non-OIDC scopes must belong to one resource, Graph (Graph reference §1.3).
pub(super) fn check_scopes(scopes: &[String]) -> Result<(), String> {
    for scope in scopes {
        if scope.contains("://") && !scope.starts_with(GRAPH_RESOURCE) {
            return Err(format!(
                "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid: resources must not be mixed."
            ));
        }
    }
    Ok(())
}
