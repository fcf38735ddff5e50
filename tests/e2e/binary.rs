//! The real `odc` binary: help, and `odc emulator` serving a drive a plain HTTP
//! client can walk (sign in by device code, list, download, upload a session).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn odc() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_odc"));
    let home = std::env::temp_dir().join(format!("odc-binary-test-{}", std::process::id()));
    command
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
    command
}

#[test]
fn help_lists_every_subcommand() {
    let output = odc().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for command in [
        "login",
        "logout",
        "whoami",
        "ls",
        "get",
        "put",
        "mkdir",
        "rm",
        "mv",
        "completions",
        "demo",
        "emulator",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "{command} missing from:\n{help}"
        );
    }
}

#[test]
fn emulator_refuses_non_loopback_addresses() {
    let output = odc()
        .args(["emulator", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("only loopback"));
}

#[tokio::test]
async fn odc_emulator_serves_a_walkable_drive() {
    let mut child = odc()
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "demo",
            "--interval",
            "0",
            "--approve-after",
            "1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let origin = first
        .trim()
        .strip_prefix("odc emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected banner {first:?}"))
        .to_string();

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let grant: serde_json::Value = http
        .post(format!("{origin}/common/oauth2/v2.0/devicecode"))
        .form(&[
            ("client_id", "x"),
            ("scope", "Files.ReadWrite.All User.Read offline_access"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = grant["device_code"].as_str().unwrap();
    let token = loop {
        let reply: serde_json::Value = http
            .post(format!("{origin}/common/oauth2/v2.0/token"))
            .form(&[
                ("client_id", "x"),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", code),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(token) = reply["access_token"].as_str() {
            break token.to_string();
        }
        assert_eq!(reply["error"], "authorization_pending");
    };
    let graph = format!("{origin}/v1.0");
    let list: serde_json::Value = http
        .get(format!("{graph}/me/drive/root:/Documents:/children"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "README.md")
    );

    let redirect = http
        .get(format!(
            "{graph}/me/drive/root:/Documents/README.md:/content"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    let location = redirect.headers()["location"].to_str().unwrap().to_string();
    let text = http
        .get(location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.starts_with("# Welcome to the odc demo drive"));

    let session: serde_json::Value = http
        .post(format!(
            "{graph}/me/drive/root:/up.bin:/createUploadSession"
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upload_url = session["uploadUrl"].as_str().unwrap();
    let put = http
        .put(upload_url)
        .header("Content-Range", "bytes 0-4/5")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let item: serde_json::Value = put.json().await.unwrap();
    assert_eq!(
        item["file"]["hashes"]["quickXorHash"],
        odc_core::quickxor::quickxor_base64(b"hello")
    );
}
