//! The viewer's I/O: reading blocks of a file and searching it, off the UI task.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::features::viewer::reading::{Reader, search};
use crate::shared::messages::Event;
use crate::shared::messages::viewer::SearchRequest;
use crate::shared::messages::viewer::ViewSource;
use crate::shared::services::Services;
use odc_graph::range::UrlCache;

/// What the viewer's reads keep between effects.
#[derive(Default)]
pub struct ViewerIo {
    /// The viewed file's download URL, kept between its Range reads.
    urls: Arc<tokio::sync::Mutex<UrlCache>>,
    /// The search under way (one at a time).
    search: Option<CancellationToken>,
}

impl ViewerIo {
    /// The viewed file's reader, to await inside the task that reads.
    fn reader(
        &self,
        services: &Services,
        source: ViewSource,
    ) -> impl Future<Output = Reader> + Send + use<> {
        let graph = match &source {
            ViewSource::Remote { path, .. } => Some(services.graph_in(path.drive())),
            ViewSource::Local(_) => None,
        };
        let urls = self.urls.clone();
        async move {
            let graph = match graph {
                Some(graph) => graph.await,
                None => None,
            };
            Reader::new(source, graph, urls)
        }
    }

    pub fn read(&self, services: &Services, ticket: u64, source: ViewSource, index: u64) {
        let reader = self.reader(services, source);
        let services = services.clone();
        tokio::spawn(async move {
            let result = reader.await.block(index).await;
            services.report(Event::ViewBlock {
                ticket,
                index,
                result,
            });
        });
    }

    pub fn search(
        &mut self,
        services: &Services,
        ticket: u64,
        source: ViewSource,
        request: SearchRequest,
    ) {
        self.cancel_search();
        let token = CancellationToken::new();
        self.search = Some(token.clone());
        let reader = self.reader(services, source);
        let services = services.clone();
        tokio::spawn(async move {
            let reader = reader.await;
            let result = tokio::select! {
                _ = token.cancelled() => return,
                r = search(&reader, &request, &token) => r,
            };
            services.report(Event::ViewFound { ticket, result });
        });
    }

    pub fn cancel_search(&mut self) {
        if let Some(old) = self.search.take() {
            old.cancel();
        }
    }
}
