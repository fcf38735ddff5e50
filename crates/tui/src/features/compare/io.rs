//! Comparing the panes and syncing them, cancellable.

use tokio_util::sync::CancellationToken;

use std::path::PathBuf;

use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_engine::transfer::Location;

pub struct CompareIo {
    /// Caches (local hashes, delta state) for comparing.
    pub cache: Option<PathBuf>,
    /// The compare under way (one at a time).
    pub running: Option<CancellationToken>,
}

impl CompareIo {
    /// Compares two folders; reports `CompareProgress`, then `Compared`.
    pub fn compare(
        &mut self,
        services: &Services,
        ticket: u64,
        left: Location,
        right: Location,
        quick: bool,
        filter: &str,
    ) {
        self.cancel();
        let token = CancellationToken::new();
        self.running = Some(token.clone());
        let sides = (services.graph_at(&left), services.graph_at(&right));
        let places = odc_engine::compare::locations::Places {
            cache_dir: self.cache.clone(),
            graph_url: services.config.endpoints.graph_url.clone(),
            follow_symlinks: services.config.transfer.follow_symlinks,
            filter: services.filter(filter),
        };
        let tx = services.tx.clone();
        tokio::spawn(async move {
            let graphs = (sides.0.await, sides.1.await);
            let mode = if quick {
                odc_engine::compare::Mode::Quick
            } else {
                odc_engine::compare::Mode::Content
            };
            let progress_tx = tx.clone();
            let progress = move |text: String| {
                let _ = progress_tx.send(Event::CompareProgress { ticket, text });
            };
            let work = odc_engine::compare::locations::compare(
                [graphs.0.as_deref(), graphs.1.as_deref()],
                &left,
                &right,
                mode,
                &places,
                &progress,
            );
            let result = tokio::select! {
                _ = token.cancelled() => return,
                r = work => r,
            };
            let result = result
                .map(|c| (c.lines, c.notes))
                .map_err(|(side, err)| format!("{side}: {err}"));
            let _ = tx.send(Event::Compared { ticket, result });
        });
    }

    pub fn cancel(&mut self) {
        if let Some(old) = self.running.take() {
            old.cancel();
        }
    }

    /// A one-way sync: what must make room first, then the copies (overwriting,
    /// as the preview said), then the deletions, only when every copy went through.
    pub fn sync(
        &self,
        services: &Services,
        making_room: Vec<Location>,
        deletes: Vec<Location>,
        requests: Vec<odc_engine::transfer::Request>,
    ) {
        let graphs: Vec<_> = making_room
            .iter()
            .chain(&deletes)
            .map(|target| services.graph_at(target))
            .collect();
        let (engine, tx) = (services.engine.clone(), services.tx.clone());
        tokio::spawn(async move {
            let mut graphs = futures::future::join_all(graphs).await.into_iter();
            let mut gone = 0;
            let mut remove = async |targets: &[Location]| {
                for target in targets {
                    let graph = graphs.next().flatten();
                    match odc_engine::compare::sync::remove(graph.as_deref(), target).await {
                        Ok(()) => gone += 1,
                        Err(problem) => {
                            let _ = tx.send(Event::Message(format!("{target}: {problem}")));
                        }
                    }
                }
            };
            remove(&making_room).await;
            // The preview said these replace what is there: no question per
            // file. The deletions wait for every copy to go through.
            let settled: Vec<_> = requests
                .into_iter()
                .map(|request| {
                    engine.submit_then(request, Some(odc_engine::transfer::Resolution::Overwrite))
                })
                .collect();
            let copied = futures::future::join_all(settled)
                .await
                .into_iter()
                .all(|ok| ok.unwrap_or(false));
            if copied {
                remove(&deletes).await;
            } else if !deletes.is_empty() {
                let _ = tx.send(Event::Message(
                    "Sync: nothing deleted: some files could not be copied".into(),
                ));
            }
            if gone > 0 {
                let _ = tx.send(Event::Message(format!(
                    "Sync: {gone} item(s) moved to the recycle bin or trash"
                )));
            }
            let folders: Vec<Location> = making_room
                .iter()
                .chain(&deletes)
                .filter_map(Location::parent)
                .collect();
            let _ = tx.send(Event::Changed(folders));
        });
    }
}
