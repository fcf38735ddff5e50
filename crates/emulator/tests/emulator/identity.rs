//! Reference §1: device code, polling, tokens, refresh, errors.

use std::time::Duration;

use odc_emulator::{Emulator, EmulatorOptions, Seed, Settings};
use serde_json::Value;

use super::support::{self, http};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const SCOPES: &str = "Files.ReadWrite.All User.Read offline_access";

struct Sts {
    emu: Emulator,
    http: reqwest::Client,
}

impl Sts {
    async fn new(settings: Settings) -> Sts {
        let emu = Emulator::start(support::options(Seed::Empty, settings))
            .await
            .unwrap();
        Sts { emu, http: http() }
    }

    async fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.post_tenant("common", endpoint, form).await
    }

    async fn post_tenant(
        &self,
        tenant: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let url = format!(
            "{}/{tenant}/oauth2/v2.0/{endpoint}",
            self.emu.authority_url()
        );
        let response = self.http.post(url).form(form).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn device_code(&self, scope: &str) -> Value {
        let (status, body) = self
            .post("devicecode", &[("client_id", "app"), ("scope", scope)])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn poll(&self, device_code: &str) -> (u16, Value) {
        self.post(
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", DEVICE_GRANT),
                ("device_code", device_code),
            ],
        )
        .await
    }
}

fn fast() -> Settings {
    Settings {
        poll_interval_secs: 0,
        ..Settings::default()
    }
}

/// Asserts the identity platform's error shape and returns (error, first code).
fn sts_error(body: &Value) -> (String, Option<u64>) {
    let error = body["error"].as_str().expect("error field").to_string();
    let description = body["error_description"].as_str().unwrap();
    assert!(description.contains("Trace ID:"), "{description}");
    assert!(description.contains("Correlation ID:"), "{description}");
    let timestamp = body["timestamp"].as_str().unwrap();
    assert_eq!(
        &timestamp[10..11],
        " ",
        "timestamp uses a space: {timestamp}"
    );
    assert!(timestamp.ends_with('Z'));
    assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    let codes = body["error_codes"].as_array().expect("error_codes array");
    let first = codes.first().map(|c| c.as_u64().unwrap());
    if let Some(code) = first {
        assert!(
            description.starts_with(&format!("AADSTS{code}:")),
            "{description}"
        );
    }
    (error, first)
}

#[tokio::test]
async fn device_code_is_approved_after_two_polls() {
    let sts = Sts::new(fast()).await;
    let grant = sts.device_code(&format!("{SCOPES} openid profile")).await;
    for field in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(grant[field].is_string(), "{field} missing: {grant}");
    }
    assert_eq!(grant["expires_in"], 900);
    assert_eq!(grant["interval"], 0);
    assert!(grant.get("verification_uri_complete").is_none());
    let code = grant["device_code"].as_str().unwrap();
    for _ in 0..2 {
        let (status, body) = sts.poll(code).await;
        assert_eq!(status, 400);
        assert_eq!(
            sts_error(&body),
            ("authorization_pending".into(), Some(70016))
        );
    }
    let (status, body) = sts.poll(code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().unwrap().len() > 20);
    assert!(body["refresh_token"].is_string());
    assert!(body["id_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    assert!(body["ext_expires_in"].is_number());
    // The code is spent.
    let (status, body) = sts.poll(code).await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body).0, "bad_verification_code");

    // The token works on Graph.
    let me = sts
        .http
        .get(format!("{}/me", sts.emu.graph_url()))
        .bearer_auth(body_token(&sts, SCOPES).await)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
}

async fn body_token(sts: &Sts, scope: &str) -> String {
    let grant = sts.device_code(scope).await;
    let code = grant["device_code"].as_str().unwrap();
    loop {
        let (status, body) = sts.poll(code).await;
        if status == 200 {
            return body["access_token"].as_str().unwrap().to_string();
        }
    }
}

#[tokio::test]
async fn no_refresh_token_without_offline_access() {
    let sts = Sts::new(Settings {
        approve_after_polls: 1,
        ..fast()
    })
    .await;
    let grant = sts.device_code("Files.ReadWrite User.Read").await;
    let code = grant["device_code"].as_str().unwrap();
    sts.poll(code).await;
    let (status, body) = sts.poll(code).await;
    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert!(body.get("id_token").is_none());
}

#[tokio::test]
async fn polling_faster_than_interval_gets_slow_down() {
    let sts = Sts::new(Settings {
        poll_interval_secs: 5,
        ..Settings::default()
    })
    .await;
    let grant = sts.device_code(SCOPES).await;
    let code = grant["device_code"].as_str().unwrap();
    let (_, body) = sts.poll(code).await;
    assert_eq!(body["error"], "authorization_pending");
    let (status, body) = sts.poll(code).await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body).0, "slow_down");
    // The interval is now 10 s: 6 s later is still too fast.
    sts.emu.advance_clock(Duration::from_secs(6));
    let (_, body) = sts.poll(code).await;
    assert_eq!(body["error"], "slow_down");
    sts.emu.advance_clock(Duration::from_secs(16));
    let (_, body) = sts.poll(code).await;
    assert_eq!(body["error"], "authorization_pending");
}

#[tokio::test]
async fn declined_expired_and_bad_codes() {
    let sts = Sts::new(Settings {
        approve_after_polls: 0,
        ..fast()
    })
    .await;
    let grant = sts.device_code(SCOPES).await;
    let user_code = grant["user_code"].as_str().unwrap();
    assert!(sts.emu.decline(user_code));
    let (status, body) = sts.poll(grant["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body).0, "authorization_declined");

    let grant = sts.device_code(SCOPES).await;
    let (_, body) = sts.poll(grant["device_code"].as_str().unwrap()).await;
    assert_eq!(
        body["error"], "authorization_pending",
        "never approved on its own"
    );
    sts.emu.advance_clock(Duration::from_secs(901));
    let (status, body) = sts.poll(grant["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body), ("expired_token".into(), Some(70019)));

    let (status, body) = sts.poll("DAQABAAEAAAD--made-up").await;
    assert_eq!(status, 400);
    assert_eq!(
        sts_error(&body),
        ("bad_verification_code".into(), Some(70018))
    );

    // A code is bound to its tenant.
    let grant = sts.device_code(SCOPES).await;
    let (_, body) = sts
        .post_tenant(
            "consumers",
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", DEVICE_GRANT),
                ("device_code", grant["device_code"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(body["error"], "bad_verification_code");
}

#[tokio::test]
async fn device_login_page_approves_and_declines() {
    let sts = Sts::new(Settings {
        approve_after_polls: 0,
        ..fast()
    })
    .await;
    let grant = sts.device_code(SCOPES).await;
    let page = format!("{}/devicelogin", sts.emu.authority_url());
    assert_eq!(grant["verification_uri"], page.as_str());
    let form = [
        ("user_code", grant["user_code"].as_str().unwrap()),
        ("action", "approve"),
    ];
    let reply = sts.http.post(&page).form(&form).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    let (status, _) = sts.poll(grant["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let reply = sts
        .http
        .post(&page)
        .form(&[("user_code", "NOPE")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_can_be_revoked() {
    let sts = Sts::new(fast()).await;
    let first = sts
        .emu
        .issue_tokens(&["Files.ReadWrite.All", "User.Read", "offline_access"]);
    let rt1 = first.refresh_token.unwrap();
    let (status, body) = sts
        .post(
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt1),
                ("scope", SCOPES),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let rt2 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2, "refresh tokens rotate");
    assert_ne!(body["access_token"].as_str().unwrap(), first.access_token);

    // Asking for more than was consented is refused.
    let (status, body) = sts
        .post(
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt2),
                ("scope", "Mail.Read"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body), ("invalid_grant".into(), Some(65001)));

    sts.emu.revoke_refresh_tokens(700082);
    let (status, body) = sts
        .post(
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt2),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(sts_error(&body), ("invalid_grant".into(), Some(700082)));
    assert!(body["error_uri"].as_str().unwrap().ends_with("code=700082"));

    sts.emu.revoke_refresh_tokens(50173);
    let (_, body) = sts
        .post(
            "token",
            &[
                ("client_id", "app"),
                ("grant_type", "refresh_token"),
                ("refresh_token", &rt1),
            ],
        )
        .await;
    assert_eq!(sts_error(&body), ("invalid_grant".into(), Some(50173)));
}

#[tokio::test]
async fn misconfigured_clients_are_refused() {
    let sts = Sts::new(Settings {
        client_id: Some("right".into()),
        ..fast()
    })
    .await;
    let (status, body) = sts
        .post("devicecode", &[("client_id", "wrong"), ("scope", SCOPES)])
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        sts_error(&body),
        ("unauthorized_client".into(), Some(700016))
    );

    let (status, body) = sts
        .post(
            "devicecode",
            &[
                ("client_id", "right"),
                ("scope", SCOPES),
                ("client_secret", "s"),
            ],
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(sts_error(&body), ("invalid_client".into(), Some(700025)));

    let (_, body) = sts.post("devicecode", &[("client_id", "right")]).await;
    assert_eq!(sts_error(&body), ("invalid_request".into(), Some(900144)));

    let (_, body) = sts
        .post(
            "devicecode",
            &[
                ("client_id", "right"),
                ("scope", "https://outlook.office.com/Mail.Read User.Read"),
            ],
        )
        .await;
    assert_eq!(sts_error(&body), ("invalid_scope".into(), Some(70011)));

    // JSON bodies are not accepted: form only.
    let url = format!("{}/common/oauth2/v2.0/token", sts.emu.authority_url());
    let reply = sts
        .http
        .post(url)
        .json(&serde_json::json!({"client_id": "right"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);

    let sts = Sts::new(Settings {
        public_client_flows: false,
        ..fast()
    })
    .await;
    let grant = sts.device_code(SCOPES).await;
    let (status, body) = sts.poll(grant["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(sts_error(&body), ("invalid_client".into(), Some(7000218)));
}

#[tokio::test]
async fn expired_access_tokens_get_401_with_www_authenticate() {
    let api = support::start(EmulatorOptions {
        settings: Settings {
            access_token_lifetime_secs: 60,
            ..Settings::default()
        },
        ..EmulatorOptions::default()
    })
    .await;
    assert_eq!(api.get("/me/drive").await.status, 200);
    api.emu.advance_clock(Duration::from_secs(61));
    let reply = api.get("/me/drive").await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.error_code(), "InvalidAuthenticationToken");
    assert_eq!(
        reply.json()["error"]["message"],
        "Access token has expired or is not yet valid."
    );
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer realm=\"\""), "{challenge}");
    assert!(challenge.contains("client_id=\"00000003-0000-0000-c000-000000000000\""));

    // And on demand, for tests of refresh-on-401.
    let api = support::empty().await;
    assert_eq!(api.get("/me").await.status, 200);
    api.emu.expire_access_tokens();
    assert_eq!(api.get("/me").await.status, 401);
    let reply = api.raw(api.http.get(api.url("/me"))).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["message"], "Access token is empty.");
}

#[tokio::test]
async fn me_needs_user_read() {
    let api = support::empty().await;
    let token = api.emu.issue_tokens(&["Files.ReadWrite"]).access_token;
    let reply = api
        .raw(api.http.get(api.url("/me")).bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 403);
    let reply = api
        .raw(api.http.get(api.url("/me/drive")).bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 200);
}
