//! A small raw HTTP helper: tests speak to the emulator as any client would.

use odc_emulator::{Emulator, EmulatorOptions, Seed, Settings};
use reqwest::{Method, StatusCode, header};
use serde_json::Value;

pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Api {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: bytes::Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Graph's error code, asserting the documented error shape on the way.
    pub fn error_code(&self) -> String {
        let body = self.json();
        let error = &body["error"];
        assert!(
            error["message"].is_string(),
            "error without message: {body}"
        );
        assert!(
            error["innerError"]["request-id"].is_string(),
            "no innerError: {body}"
        );
        assert!(error["innerError"]["date"].is_string(), "no date: {body}");
        error["code"].as_str().unwrap().to_string()
    }

    pub fn inner_code(&self) -> Option<String> {
        self.json()["error"]["innerError"]["code"]
            .as_str()
            .map(str::to_string)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

pub async fn start(options: EmulatorOptions) -> Api {
    let emu = Emulator::start(options).await.unwrap();
    let token = emu
        .issue_tokens(&["Files.ReadWrite.All", "User.Read", "offline_access"])
        .access_token;
    Api {
        emu,
        http: http(),
        token,
    }
}

pub async fn empty() -> Api {
    start(EmulatorOptions::default()).await
}

pub fn options(seed: Seed, settings: Settings) -> EmulatorOptions {
    EmulatorOptions {
        seed,
        settings,
        ..EmulatorOptions::default()
    }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.emu.graph_url())
        }
    }

    pub async fn raw(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body read"),
        }
    }

    /// An authorized Graph request with an optional JSON body.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        match body {
            Some(body) => request = request.json(&body),
            // As Graph requires of a body-less PUT/POST/PATCH (reference §10.1).
            None => request = request.header(header::CONTENT_LENGTH, 0),
        }
        self.raw(request).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn put_bytes(&self, path: &str, data: Vec<u8>) -> Reply {
        let request = self
            .http
            .put(self.url(path))
            .bearer_auth(&self.token)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, data.len())
            .body(data);
        self.raw(request).await
    }

    /// GET without Authorization (pre-authenticated URLs).
    pub async fn get_plain(&self, url: &str, range: Option<&str>) -> Reply {
        let mut request = self.http.get(url);
        if let Some(range) = range {
            request = request.header(header::RANGE, range);
        }
        self.raw(request).await
    }

    /// Follows every nextLink of a listing, returning all items and the page count.
    pub async fn list_all(&self, first: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(first.to_string());
        while let Some(url) = next {
            let reply = self.get(&url).await;
            assert_eq!(
                reply.status,
                200,
                "{}",
                String::from_utf8_lossy(&reply.body)
            );
            let body = reply.json();
            items.extend(body["value"].as_array().unwrap().iter().cloned());
            next = body["@odata.nextLink"].as_str().map(str::to_string);
            pages += 1;
        }
        (items, pages)
    }

    pub async fn download(&self, path: &str) -> Vec<u8> {
        let reply = self.get(&format!("/me/drive/root:{path}:/content")).await;
        assert_eq!(reply.status, 302);
        let location = reply.header("location").unwrap();
        let reply = self.get_plain(&location, None).await;
        assert_eq!(reply.status, 200);
        reply.body.to_vec()
    }
}

/// Deterministic test bytes.
pub use odc_emulator::content::pattern;

pub fn qxh(data: &[u8]) -> String {
    odc_core::quickxor::quickxor_base64(data)
}

/// The body of a GET, as a browser would read a page.
pub async fn page_text(http: &reqwest::Client, url: &str) -> String {
    http.get(url).send().await.unwrap().text().await.unwrap()
}
