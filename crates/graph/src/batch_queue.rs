//! The queue small uploads and single metadata requests of one drive wait in, and
//! how they are gathered into batches of at most twenty requests (Graph reference
//! §10.2). What a gathered batch becomes on the wire is `batch`'s part.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::error::{Error, Result};
use super::item::{Conflict, DriveItem};
use super::path::RemotePath;

/// Files up to this size are batched (their bytes travel base64-encoded in JSON).
pub const SMALL_FILE_MAX: u64 = 256 * 1024;
/// Files per batch: a PUT and a PATCH each, 20 requests.
pub const FILES_PER_BATCH: usize = 10;
/// Requests one batch carries (Graph's limit, reference §10.2).
const REQUESTS_PER_BATCH: usize = 20;

/// One small file to upload.
pub struct SmallUpload {
    pub data: Bytes,
    pub dest: RemotePath,
    pub conflict: Conflict,
    pub modified: Option<DateTime<Utc>>,
}

pub(crate) enum Job {
    Upload {
        upload: SmallUpload,
        reply: oneshot::Sender<Result<DriveItem>>,
    },
    Request {
        step: Step,
        reply: oneshot::Sender<Result<Value>>,
    },
}

impl Job {
    /// Requests it adds to a batch: a small upload is a PUT and, to keep its
    /// modified time, a PATCH.
    fn requests(&self) -> usize {
        match self {
            Job::Upload { upload, .. } => 1 + usize::from(upload.modified.is_some()),
            Job::Request { .. } => 1,
        }
    }

    /// Nobody waits for it any more (cancelled or paused while it was queued).
    pub(crate) fn abandoned(&self) -> bool {
        match self {
            Job::Upload { reply, .. } => reply.is_closed(),
            Job::Request { reply, .. } => reply.is_closed(),
        }
    }
}

/// The jobs of one batch being gathered.
struct Gathering {
    jobs: Vec<Job>,
    requests: usize,
}

impl Gathering {
    fn new(first: Job) -> Self {
        let requests = first.requests();
        Self {
            jobs: vec![first],
            requests,
        }
    }

    fn has_room(&self) -> bool {
        self.requests < REQUESTS_PER_BATCH
    }

    /// Adds `job`, or gives it back when it does not fit (it starts the next batch).
    fn add(&mut self, job: Job) -> Option<Job> {
        if self.requests + job.requests() > REQUESTS_PER_BATCH {
            return Some(job);
        }
        self.requests += job.requests();
        self.jobs.push(job);
        None
    }
}

/// The queue small uploads of one drive go through.
pub struct Batcher {
    jobs: mpsc::UnboundedSender<Job>,
    /// The service refused a batch as a whole: single requests for the rest of the
    /// run, for this queue and for [`Graph::batched`] alike.
    pub(crate) refused: Arc<AtomicBool>,
}

impl Batcher {
    /// Starts gathering, `in_flight` batches at a time; `send` sends one gathered
    /// batch and answers its jobs (`batch` hands down the one that speaks to Graph,
    /// with a client of its own that shares the session, the connections and the
    /// throttling pause).
    pub(crate) fn start<SendBatch, Sending>(in_flight: usize, send: SendBatch) -> Batcher
    where
        SendBatch: Fn(Vec<Job>, Arc<AtomicBool>) -> Sending + Send + 'static,
        Sending: std::future::Future<Output = ()> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let refused = Arc::new(AtomicBool::new(false));
        let slots = Arc::new(Semaphore::new(in_flight.max(1)));
        let shared_refusal = refused.clone();
        tokio::spawn(async move {
            // A job that did not fit the last batch starts the next one.
            let mut held: Option<Job> = None;
            loop {
                let first = match held.take() {
                    Some(job) => job,
                    None => match queue.recv().await {
                        Some(job) => job,
                        None => break,
                    },
                };
                // A batch leaves when it is full, or as soon as a slot is free with
                // what has arrived by then: no timer. While every slot is busy the
                // next batch fills up, so batches grow with the load by themselves.
                let mut batch = Gathering::new(first);
                while held.is_none() && batch.has_room() {
                    match queue.try_recv() {
                        Ok(job) => held = batch.add(job),
                        Err(_) => break,
                    }
                }
                let mut slot = None;
                while slot.is_none() {
                    tokio::select! {
                        biased;
                        permit = slots.clone().acquire_owned() => slot = permit.ok(),
                        job = queue.recv(), if held.is_none() && batch.has_room() => match job {
                            Some(job) => held = batch.add(job),
                            None => break,
                        },
                    }
                }
                let slot = match slot {
                    Some(slot) => slot,
                    None => slots.clone().acquire_owned().await.expect("never closed"),
                };
                let sending = send(batch.jobs, refused.clone());
                tokio::spawn(async move {
                    sending.await;
                    drop(slot);
                });
            }
        });
        Batcher {
            jobs,
            refused: shared_refusal,
        }
    }

    pub async fn upload(&self, upload: SmallUpload) -> Result<DriveItem> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Upload { upload, reply })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// One request sent with whatever else is queued: its reply body, or its error.
    pub async fn request(&self, step: Step) -> Result<Value> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Request { step, reply })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Other("the request queue has stopped".into())
}

/// One request of [`Graph::batched`]: a method and a URL made by the client's own
/// helpers (`drive_url`, `item_url`), with an optional JSON body.
pub struct Step {
    pub method: Method,
    pub url: String,
    pub body: Option<Value>,
}
