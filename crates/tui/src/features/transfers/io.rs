//! The transfer engine's side: sampling progress, interrupted transfers, and the engine's events (questions included) forwarded as UI events.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use std::collections::HashMap;

use crate::shared::messages::Event;
use crate::shared::messages::transfers::{ConflictView, ErrorView};
use crate::shared::services::Services;
use odc_engine::transfer::{ConflictAnswer, EngineEvent, ErrorAnswer, Question};

/// Where answers to the engine's questions go, by question number.
#[derive(Default)]
struct Replies {
    next: u64,
    conflicts: HashMap<u64, tokio::sync::oneshot::Sender<ConflictAnswer>>,
    errors: HashMap<u64, tokio::sync::oneshot::Sender<ErrorAnswer>>,
}

#[derive(Default)]
pub struct TransfersIo {
    replies: Arc<Mutex<Replies>>,
}

/// Looks for transfers an earlier run left; answers `Interrupted` when there are.
pub fn check_interrupted(services: &Services) {
    // A file read, shared with other odc processes: off the UI task.
    let (engine, tx) = (services.engine.clone(), services.tx.clone());
    tokio::task::spawn_blocking(move || match engine.interrupted() {
        Ok(records) if !records.is_empty() => {
            let files = records.iter().map(|(_, r)| r.describe()).collect();
            let _ = tx.send(Event::Interrupted { files });
        }
        Ok(_) => {}
        Err(err) => {
            let _ = tx.send(Event::Message(err.to_string()));
        }
    });
}

/// Samples the transfer counters (while transfers run); answers `Progress`.
pub fn sample(services: &Services) {
    let samples = services.engine.sample();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let waiting = services
        .graphs
        .default_graph()
        .and_then(|g| g.waiting_reason());
    services.report(Event::Progress {
        now_ms,
        samples,
        waiting,
    });
}

impl TransfersIo {
    /// Forwards the engine's events to the UI for as long as the engine runs.
    pub fn forward_engine_events(
        &self,
        services: &Services,
        events: UnboundedReceiver<EngineEvent>,
    ) {
        tokio::spawn(forward(events, services.tx.clone(), self.replies.clone()));
    }

    /// The person's answer to conflict question `question`.
    pub fn answer_conflict(&self, question: u64, answer: ConflictAnswer) {
        if let Some(reply) = self.replies.lock().unwrap().conflicts.remove(&question) {
            let _ = reply.send(answer);
        }
    }

    /// The person's answer to error question `question`.
    pub fn answer_error(&self, question: u64, answer: ErrorAnswer) {
        if let Some(reply) = self.replies.lock().unwrap().errors.remove(&question) {
            let _ = reply.send(answer);
        }
    }
}

/// Turns engine events into UI events, keeping the reply channels of questions.
async fn forward(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<EngineEvent>,
    tx: UnboundedSender<Event>,
    replies: Arc<Mutex<Replies>>,
) {
    while let Some(event) = rx.recv().await {
        let event = match event {
            EngineEvent::Added(info) => Event::TaskAdded(info),
            EngineEvent::State { id, state } => Event::TaskState { id, state },
            EngineEvent::Renamed { id, name } => Event::TaskRenamed { id, name },
            EngineEvent::Problem(problem) => Event::Message(problem),
            EngineEvent::Finished { changed, .. } => Event::RequestFinished(changed),
            EngineEvent::Ask(question) => {
                let mut replies = replies.lock().unwrap();
                replies.next += 1;
                let id = replies.next;
                match question {
                    Question::Conflict {
                        name,
                        source_size,
                        source_modified,
                        target_size,
                        target_modified,
                        reply,
                        ..
                    } => {
                        replies.conflicts.insert(id, reply);
                        Event::TransferConflict(ConflictView {
                            question: id,
                            name,
                            source_size,
                            source_modified,
                            target_size,
                            target_modified,
                        })
                    }
                    Question::Error {
                        name,
                        message,
                        reply,
                        ..
                    } => {
                        replies.errors.insert(id, reply);
                        Event::TransferError(ErrorView {
                            question: id,
                            name,
                            message,
                        })
                    }
                }
            }
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}
