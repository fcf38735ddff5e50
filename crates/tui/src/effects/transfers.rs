//! The transfer engine's side: sampling progress, interrupted transfers, and the engine's events (questions included) forwarded as UI events.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::shared::messages::transfers::{ConflictView, ErrorView};
use crate::update::Event;
use odc_engine::transfer::{EngineEvent, Question};

use crate::effects::{Replies, Runner};

impl Runner {
    pub(super) fn check_interrupted(&mut self) {
        // A file read, shared with other odc processes: off the UI task.
        let (engine, tx) = (self.services.engine.clone(), self.services.tx.clone());
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

    pub(super) fn sample_transfers(&mut self) {
        let samples = self.services.engine.sample();
        let now_ms = chrono::Utc::now().timestamp_millis();
        let waiting = self
            .services
            .graphs
            .default_graph()
            .and_then(|g| g.waiting_reason());
        let _ = self.services.tx.send(Event::Progress {
            now_ms,
            samples,
            waiting,
        });
    }

    /// Forwards the engine's events to the UI for as long as the engine runs.
    pub(super) fn forward_engine_events(&self, events: UnboundedReceiver<EngineEvent>) {
        tokio::spawn(forward(
            events,
            self.services.tx.clone(),
            self.replies.clone(),
        ));
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
            EngineEvent::Finished { changed } => Event::RequestFinished(changed),
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
