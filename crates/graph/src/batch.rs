//! Small files in few round trips (Graph reference §10.2): uploads of small files
//! are gathered into JSON batches — each file a `PUT …/content` (base64) and, to keep
//! its modified time, a `PATCH` that depends on it — up to 20 requests per HTTP call,
//! several batches in flight. Single metadata requests from many tasks at once (the
//! lookups and PATCHes of moves) join the same queue. A request of a batch that is
//! throttled or fails for a passing reason is sent again on its own; a drive that
//! refuses batching gets single requests for the rest of the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{Value, json};

use super::batch_queue::{Batcher, Job, SmallUpload, Step};
use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::item::DriveItem;
use odc_core::quickxor::QuickXorHash;

/// `/me/drive/…` or `/drives/{id}/…` relative to the Graph version, as a batch wants.
fn relative(graph: &Graph, absolute: &str) -> String {
    let base = graph.graph_url("");
    format!("/{}", absolute.strip_prefix(&base).unwrap_or(absolute))
}

async fn send(graph: &Graph, jobs: Vec<Job>, refused: &AtomicBool) {
    // A job whose task was cancelled or paused while it waited is not sent.
    let jobs: Vec<Job> = jobs.into_iter().filter(|j| !j.abandoned()).collect();
    if jobs.is_empty() {
        return;
    }
    if refused.load(Ordering::Relaxed) {
        return alone(graph, jobs).await;
    }
    let mut requests = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        match job {
            Job::Upload { upload, .. } => requests.extend(upload_requests(graph, i, upload)),
            Job::Request { step, .. } => {
                requests.push(step_request(graph, &format!("req{i}"), step))
            }
        }
    }
    // The files' bytes count against the bandwidth limit like any upload's.
    let bytes: usize = jobs
        .iter()
        .map(|job| match job {
            Job::Upload { upload, .. } => upload.data.len(),
            Job::Request { .. } => 0,
        })
        .sum();
    super::bandwidth::sending(bytes).await;
    let Some(answers) = post_batch(graph, requests, refused).await else {
        return alone(graph, jobs).await;
    };
    let mut retry = Vec::new();
    for (i, job) in jobs.into_iter().enumerate() {
        match job {
            Job::Upload { upload, reply } => {
                let put = answer(&answers, &format!("put{i}"));
                let time = answer(&answers, &format!("time{i}"));
                match settle(graph, &upload, put, time).await {
                    Outcome::Done(result) => {
                        let _ = reply.send(*result);
                    }
                    Outcome::Again => retry.push(Job::Upload { upload, reply }),
                }
            }
            Job::Request { step, reply } => {
                match settle_request(graph, answer(&answers, &format!("req{i}"))) {
                    Some(result) => {
                        let _ = reply.send(result);
                    }
                    None => retry.push(Job::Request { step, reply }),
                }
            }
        }
    }
    alone(graph, retry).await;
}

/// POSTs one batch and returns its answers; None when it failed as a whole. A
/// service without batching (or a proxy in the way) gets single requests for good
/// (`refused`); any other failure, only this once.
async fn post_batch(graph: &Graph, requests: Vec<Value>, refused: &AtomicBool) -> Option<Value> {
    let reply = graph
        .json::<Value>(
            Method::POST,
            &graph.graph_url("$batch"),
            Body::Json(json!({ "requests": requests })),
        )
        .await;
    match reply {
        Ok(answers) => Some(answers),
        Err(err) => {
            if matches!(
                err,
                Error::Graph {
                    status: 400 | 404 | 405 | 501,
                    ..
                }
            ) {
                tracing::warn!("batching refused ({err}); sending requests one at a time");
                refused.store(true, Ordering::Relaxed);
            }
            None
        }
    }
}

/// A small file's PUT (base64 body) and, to keep its time, a PATCH that waits for it.
fn upload_requests(graph: &Graph, i: usize, upload: &SmallUpload) -> Vec<Value> {
    let item = relative(graph, &graph.path_url(&upload.dest));
    let mut requests = vec![json!({
        "id": format!("put{i}"),
        "method": "PUT",
        "url": format!("{item}/content?@microsoft.graph.conflictBehavior={}", upload.conflict.as_str()),
        "headers": {"Content-Type": "application/octet-stream"},
        "body": base64::engine::general_purpose::STANDARD.encode(&upload.data),
    })];
    if let Some(when) = upload.modified {
        requests.push(json!({
            "id": format!("time{i}"),
            "method": "PATCH",
            "url": item,
            "headers": {"Content-Type": "application/json"},
            "body": {"fileSystemInfo": {"lastModifiedDateTime": super::format_time(when)}},
            "dependsOn": [format!("put{i}")],
        }));
    }
    requests
}

/// A [`Step`] as one request of a batch.
fn step_request(graph: &Graph, id: &str, step: &Step) -> Value {
    let mut request = json!({
        "id": id,
        "method": step.method.as_str(),
        "url": relative(graph, &step.url),
    });
    if let Some(body) = &step.body {
        request["body"] = body.clone();
        request["headers"] = json!({"Content-Type": "application/json"});
    }
    request
}

/// The answer with this id in a batch's reply.
fn answer(answers: &Value, id: &str) -> Option<Value> {
    answers["responses"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["id"].as_str() == Some(id)))
        .cloned()
}

/// What a batched request's answer means: its body, its own error, or None when
/// it should go again on its own (missing, throttled, a passing failure).
fn settle_request(graph: &Graph, answer: Option<Value>) -> Option<Result<Value>> {
    let answer = answer?;
    let status = status_of(&answer);
    if passing(status) {
        wait_as_told(graph, &answer);
        return None;
    }
    Some(if (200..300).contains(&status) {
        Ok(serde_json::from_slice(&body_of(&answer)).unwrap_or(Value::Null))
    } else {
        Err(Error::from_graph(status, &body_of(&answer)))
    })
}

enum Outcome {
    Done(Box<Result<DriveItem>>),
    /// Throttled or failed for a passing reason: send it on its own.
    Again,
}

fn done(result: Result<DriveItem>) -> Outcome {
    Outcome::Done(Box::new(result))
}

fn status_of(answer: &Value) -> u16 {
    answer["status"].as_u64().unwrap_or(0) as u16
}

/// A response body: JSON, or base64 of JSON (how an upload's reply comes back).
fn body_of(answer: &Value) -> Vec<u8> {
    match &answer["body"] {
        Value::String(text) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap_or_else(|_| text.as_bytes().to_vec()),
        Value::Null => Vec::new(),
        other => serde_json::to_vec(other).unwrap_or_default(),
    }
}

/// A batched request's `Retry-After` (any spelling of the header) pauses every
/// request to the service, as a reply of its own would. Without one, a throttled
/// or failed request still waits the first back-off step (about a second) before
/// it goes again on its own: never straight back at a service that just failed.
fn wait_as_told(graph: &Graph, answer: &Value) {
    let retry_after = answer["headers"].as_object().and_then(|headers| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, value)| value.as_str())
    });
    match retry_after.and_then(|v| super::retry::parse_retry_after(v, std::time::SystemTime::now()))
    {
        Some(wait) => graph.gate().pause(wait),
        // 401 is answered by a refresh, not by waiting.
        None if status_of(answer) != 401 => graph.gate().pause(graph.backoff(1)),
        None => {}
    }
}

/// Worth sending again on its own (which refreshes a token, waits out throttling
/// and retries server errors as every request does).
fn passing(status: u16) -> bool {
    matches!(status, 401 | 429 | 500 | 502 | 503 | 504)
}

async fn settle(
    graph: &Graph,
    upload: &SmallUpload,
    put: Option<Value>,
    time: Option<Value>,
) -> Outcome {
    let Some(put) = put else {
        return Outcome::Again;
    };
    let status = status_of(&put);
    if passing(status) {
        wait_as_told(graph, &put);
        return Outcome::Again;
    }
    if status >= 400 {
        return done(Err(Error::from_graph(status, &body_of(&put))));
    }
    let item: DriveItem = match serde_json::from_slice(&body_of(&put)) {
        Ok(item) => item,
        Err(err) => {
            return done(Err(Error::Other(format!(
                "unexpected upload reply in a batch: {err}"
            ))));
        }
    };
    let mut hasher = QuickXorHash::new();
    hasher.update(&upload.data);
    if let Err(err) = super::verify::verify(&item, upload.data.len() as u64, &hasher) {
        return done(Err(err));
    }
    let Some(when) = upload.modified else {
        return done(Ok(item));
    };
    // The content is there; only its time is missing when the PATCH did not land.
    match time {
        Some(time) if (200..300).contains(&status_of(&time)) => {
            match serde_json::from_slice::<DriveItem>(&body_of(&time)) {
                Ok(updated) => done(Ok(updated)),
                Err(_) => done(graph.set_modified(&item.id, when).await),
            }
        }
        Some(time) if !passing(status_of(&time)) => {
            done(Err(Error::from_graph(status_of(&time), &body_of(&time))))
        }
        _ => done(graph.set_modified(&item.id, when).await),
    }
}

/// Jobs sent one request at a time (retried as any request is).
async fn alone(graph: &Graph, jobs: Vec<Job>) {
    for job in jobs {
        match job {
            Job::Upload { upload, reply } => {
                let _ = reply.send(graph.upload_small_alone(&upload).await);
            }
            Job::Request { step, reply } => {
                let _ = reply.send(graph.step_alone(&step).await);
            }
        }
    }
}

impl Graph {
    /// The batch queue of this drive's small uploads (started on first use, inside
    /// the runtime), `transfer.concurrency` batches in flight.
    pub(super) fn batcher(&self) -> &Batcher {
        self.batcher.get_or_init(|| {
            let own = Arc::new(self.same_drive());
            Batcher::start(
                self.config.transfer.concurrency as usize,
                move |jobs, refused| {
                    let graph = own.clone();
                    async move { send(&graph, jobs, &refused).await }
                },
            )
        })
    }

    /// Sends `steps` twenty to a request, a few requests at once, and returns each
    /// one's reply body (JSON, or null) or its own error, in the order given. A
    /// request answered 401, 429 or 5xx goes again on its own (after the wait it was
    /// given); a batch refused as a whole sends all of its requests one by one.
    pub async fn batched(&self, steps: Vec<Step>) -> Vec<Result<Value>> {
        const PER_BATCH: usize = 20;
        let chunks: Vec<Vec<Step>> = {
            let mut chunks = Vec::new();
            let mut steps = steps.into_iter().peekable();
            while steps.peek().is_some() {
                chunks.push(steps.by_ref().take(PER_BATCH).collect());
            }
            chunks
        };
        let concurrency = self.config.transfer.concurrency.max(1) as usize;
        use futures::StreamExt;
        futures::stream::iter(chunks)
            .map(|chunk| self.send_steps(chunk))
            .buffered(concurrency)
            .flat_map(futures::stream::iter)
            .collect()
            .await
    }

    async fn send_steps(&self, steps: Vec<Step>) -> Vec<Result<Value>> {
        let refused = &self.batcher().refused;
        if refused.load(Ordering::Relaxed) {
            return self.steps_alone(&steps).await;
        }
        let requests: Vec<Value> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| step_request(self, &i.to_string(), step))
            .collect();
        let Some(answers) = post_batch(self, requests, refused).await else {
            return self.steps_alone(&steps).await;
        };
        let mut results = Vec::with_capacity(steps.len());
        for (i, step) in steps.iter().enumerate() {
            let result = match settle_request(self, answer(&answers, &i.to_string())) {
                Some(result) => result,
                None => self.step_alone(step).await,
            };
            results.push(result);
        }
        results
    }

    /// Like [`Graph::batched`] for steps some of which could not even be made (a
    /// name OneDrive refuses, an item that cannot be addressed): those keep their
    /// error, the others are sent; every result in the order given.
    pub async fn batched_each(&self, steps: Vec<Result<Step>>) -> Vec<Result<Value>> {
        let mut sendable = Vec::new();
        // None: a slot for the reply of a request sent.
        let mut results: Vec<Option<Result<Value>>> = Vec::with_capacity(steps.len());
        for step in steps {
            match step {
                Ok(step) => {
                    sendable.push(step);
                    results.push(None);
                }
                Err(err) => results.push(Some(Err(err))),
            }
        }
        let mut sent = self.batched(sendable).await.into_iter();
        for slot in results.iter_mut().filter(|r| r.is_none()) {
            *slot = sent.next();
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::Other("no reply for this request".into()))))
            .collect()
    }

    /// One request sent in whichever batch leaves next with other tasks' requests
    /// (the queue small uploads use): many tasks' single requests share round trips.
    pub async fn gathered(&self, step: Step) -> Result<Value> {
        self.batcher().request(step).await
    }

    async fn steps_alone(&self, steps: &[Step]) -> Vec<Result<Value>> {
        let mut results = Vec::with_capacity(steps.len());
        for step in steps {
            results.push(self.step_alone(step).await);
        }
        results
    }

    async fn step_alone(&self, step: &Step) -> Result<Value> {
        let body = match &step.body {
            Some(value) => Body::Json(value.clone()),
            None => Body::Empty,
        };
        let bytes = self
            .reply_body(step.method.clone(), &step.url, body)
            .await?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}
