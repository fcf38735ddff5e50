//! Reference §10.4 and §10.7: the authorization code grant with PKCE (consent page,
//! redirect, single-use codes, verifier and redirect checks, sign-out), several users,
//! and the drives and sites a user can open.

use std::time::Duration;

use odc_emulator::{Emulator, Profile, Seed, Settings};
use reqwest::Method;
use serde_json::Value;

use super::support::{self, Api, http};
use odc_emulator::consent_link;

use crate::support::page_text;

/// A verifier and its S256 challenge (computed independently with Python's hashlib).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWEOEjXk";
const CHALLENGE: &str = "TP3DZQl9rJnri9eRuZaFS6Q7czCrth7sEZC00LreApo";
const REDIRECT: &str = "http://localhost:53682";

async fn start() -> (Emulator, reqwest::Client) {
    let emu = Emulator::start(support::options(Seed::Empty, Settings::default()))
        .await
        .unwrap();
    (emu, http())
}

fn authorize_url(emu: &Emulator, redirect: &str, extra: &str) -> String {
    format!(
        "{}/common/oauth2/v2.0/authorize?client_id=app&response_type=code&redirect_uri={}&scope=Files.ReadWrite.All+offline_access&state=s%201&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        emu.authority_url(),
        url_encode(redirect)
    )
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The consent page, then the link with this id followed: the redirect's query.
async fn consent(
    emu: &Emulator,
    http: &reqwest::Client,
    url: &str,
    choice: &str,
) -> Vec<(String, String)> {
    let page = http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let link = consent_link(&page.text().await.unwrap(), choice);
    let reply = http
        .get(format!("{}/common/oauth2/v2.0/{link}", emu.authority_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 302);
    let location = reply.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(REDIRECT), "{location}");
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn redeem(
    emu: &Emulator,
    http: &reqwest::Client,
    code: &str,
    redirect: &str,
    verifier: &str,
) -> (u16, Value) {
    let reply = http
        .post(format!("{}/common/oauth2/v2.0/token", emu.authority_url()))
        .form(&[
            ("client_id", "app"),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.json().await.unwrap())
}

fn aadsts(body: &Value) -> u64 {
    body["error_codes"][0].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn a_code_is_redeemed_once_with_its_verifier_and_redirect() {
    let (emu, http) = start().await;
    let pairs = consent(&emu, &http, &authorize_url(&emu, REDIRECT, ""), "approve-0").await;
    assert_eq!(get(&pairs, "state"), Some("s 1"));
    let code = get(&pairs, "code").unwrap().to_string();

    let (status, body) = redeem(&emu, &http, &code, REDIRECT, "wrong-verifier").await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (400, Some("invalid_grant"), 501481)
    );
    let (status, body) = redeem(&emu, &http, &code, "http://localhost:1", VERIFIER).await;
    assert_eq!((status, aadsts(&body)), (400, 500112));

    let (status, body) = redeem(&emu, &http, &code, REDIRECT, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string() && body["refresh_token"].is_string());
    let api = Api {
        token: body["access_token"].as_str().unwrap().to_string(),
        emu,
        http,
    };
    assert_eq!(api.call(Method::GET, "/me/drive", None).await.status, 200);

    let (status, body) = redeem(&api.emu, &api.http, &code, REDIRECT, VERIFIER).await;
    assert_eq!((status, aadsts(&body)), (400, 54005));

    // Codes live about ten minutes.
    let pairs = consent(
        &api.emu,
        &api.http,
        &authorize_url(&api.emu, REDIRECT, ""),
        "approve-0",
    )
    .await;
    api.emu.advance_clock(Duration::from_secs(601));
    let (status, body) = redeem(
        &api.emu,
        &api.http,
        get(&pairs, "code").unwrap(),
        REDIRECT,
        VERIFIER,
    )
    .await;
    assert_eq!((status, aadsts(&body)), (400, 70008));
}

#[tokio::test]
async fn untrusted_redirects_get_a_page_and_other_errors_go_back_to_the_app() {
    let (emu, http) = start().await;
    // Not a registered address: an error page, never a redirect to it.
    for redirect in [
        "https://evil.example/cb",
        "http://127.0.0.1:5000",
        "http://localhost:5/x",
    ] {
        let reply = http
            .get(authorize_url(&emu, redirect, ""))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 400, "{redirect}");
        assert!(reply.headers().get("location").is_none());
        assert!(reply.text().await.unwrap().contains("AADSTS50011"));
    }
    // Declined: back to the app with access_denied and the state.
    let pairs = consent(&emu, &http, &authorize_url(&emu, REDIRECT, ""), "decline").await;
    assert_eq!(get(&pairs, "error"), Some("access_denied"));
    assert_eq!(get(&pairs, "state"), Some("s 1"));
    assert!(get(&pairs, "code").is_none());
    // A bad challenge method goes back as an error too.
    let url = authorize_url(&emu, REDIRECT, "").replace("method=S256", "method=S512");
    let reply = http.get(url).send().await.unwrap();
    assert_eq!(reply.status(), 302);
    let location = reply.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("error=invalid_request") && location.contains("AADSTS50149"),
        "{location}"
    );
    // The consent page is single-use.
    let page = page_text(&http, &authorize_url(&emu, REDIRECT, "")).await;
    let link = consent_link(&page, "approve-0");
    let url = format!("{}/common/oauth2/v2.0/{link}", emu.authority_url());
    assert_eq!(http.get(&url).send().await.unwrap().status(), 302);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 400);
    // Sign-out returns only to a registered address.
    let out = format!("{}/common/oauth2/v2.0/logout", emu.authority_url());
    let reply = http
        .get(format!(
            "{out}?post_logout_redirect_uri={}",
            url_encode(REDIRECT)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 302);
    let reply = http
        .get(format!(
            "{out}?post_logout_redirect_uri=https%3A%2F%2Fevil.example"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.text().await.unwrap().contains("signed out"));
}

#[tokio::test]
async fn each_user_opens_their_drive_and_work_accounts_their_sites() {
    let (emu, http) = start().await;
    let (work, work_drive) = emu.add_user("ada@contoso.com", "Ada Contoso", Profile::Business);
    let (site, libraries) = emu.add_site("reports", "Quarterly Reports", &["Documents", "Archive"]);
    // The consent page offers both accounts; a login_hint narrows it to one.
    let page = page_text(&http, &authorize_url(&emu, REDIRECT, "")).await;
    assert!(
        page.contains("Accept as ada@example.com") && page.contains("Accept as ada@contoso.com")
    );
    let page = page_text(
        &http,
        &authorize_url(&emu, REDIRECT, "&login_hint=ADA%40contoso.com"),
    )
    .await;
    assert!(
        !page.contains("ada@example.com") && page.contains("ada@contoso.com"),
        "{page}"
    );
    // consumers offers only personal accounts.
    let page = page_text(
        &http,
        &authorize_url(&emu, REDIRECT, "").replace("/common/", "/consumers/"),
    )
    .await;
    assert!(!page.contains("contoso"), "{page}");

    let token = |user: usize| {
        emu.issue_tokens_for(
            user,
            &["Files.ReadWrite.All", "Sites.Read.All", "User.Read"],
        )
        .access_token
    };
    let call = |token: String, path: String| {
        let http = http.clone();
        let url = format!("{}{path}", emu.graph_url());
        async move {
            let reply = http.get(url).bearer_auth(token).send().await.unwrap();
            (
                reply.status().as_u16(),
                reply.json::<Value>().await.unwrap(),
            )
        }
    };
    let (status, me) = call(token(work), "/me".into()).await;
    assert_eq!(
        (status, me["userPrincipalName"].as_str()),
        (200, Some("ada@contoso.com"))
    );
    let (_, drive) = call(token(work), "/me/drive".into()).await;
    assert_eq!(drive["id"], work_drive.as_str());
    assert_eq!(drive["driveType"], "business");
    assert!(drive["quota"].get("deleted").is_none() && drive["quota"]["fileCount"].is_u64());
    let (_, drive) = call(token(0), "/me/drive".into()).await;
    assert_eq!(drive["driveType"], "personal");
    assert!(drive["quota"]["deleted"].is_u64());

    let (_, drives) = call(token(work), "/me/drives".into()).await;
    assert_eq!(drives["value"][0]["id"], work_drive.as_str());
    let (_, followed) = call(token(work), "/me/followedSites".into()).await;
    assert_eq!(followed["value"][0]["id"], site.as_str());
    let (_, found) = call(token(work), "/sites?search=quarterly".into()).await;
    assert_eq!(found["value"][0]["displayName"], "Quarterly Reports");
    let (_, none) = call(token(work), "/sites?search=payroll".into()).await;
    assert_eq!(none["value"].as_array().unwrap().len(), 0);
    let (_, libs) = call(token(work), format!("/sites/{site}/drives")).await;
    assert_eq!(libs["value"][1]["id"], libraries[1].as_str());
    assert_eq!(libs["value"][1]["driveType"], "documentLibrary");
    assert_eq!(libs["value"][1]["name"], "Archive");

    // A library is a drive like any other for its organisation's users only.
    let (status, root) = call(
        token(work),
        format!("/drives/{}/root/children", libraries[1]),
    )
    .await;
    assert_eq!((status, root["value"].as_array().unwrap().len()), (200, 0));
    let (status, _) = call(token(0), format!("/drives/{}/root", libraries[1])).await;
    assert_eq!(status, 404);
    let (status, _) = call(token(0), format!("/drives/{work_drive}/root")).await;
    assert_eq!(status, 404);
    // Sites are not there for personal accounts (Microsoft's docs: not supported).
    let (status, body) = call(token(0), "/sites?search=x".into()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("MSA"));
    // Sites need a Sites scope.
    let files_only = emu
        .issue_tokens_for(work, &["Files.ReadWrite.All"])
        .access_token;
    assert_eq!(call(files_only, "/me/followedSites".into()).await.0, 403);
}
