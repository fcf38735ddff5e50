//! The viewer's I/O: reading blocks of a file and searching it.

use tokio_util::sync::CancellationToken;

use crate::update::Event;

use super::Runner;

impl Runner {
    pub(super) fn view_read(
        &mut self,
        ticket: u64,
        source: crate::state::viewer::ViewSource,
        index: u64,
    ) {
        let (reader, tx) = (self.reader(source), self.tx.clone());
        tokio::spawn(async move {
            let result = reader.await.block(index).await;
            let _ = tx.send(Event::ViewBlock {
                ticket,
                index,
                result,
            });
        });
    }

    pub(super) fn view_search(
        &mut self,
        ticket: u64,
        source: crate::state::viewer::ViewSource,
        request: crate::viewing::SearchRequest,
    ) {
        if let Some(old) = self.view_search.take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.view_search = Some(token.clone());
        let (reader, tx) = (self.reader(source), self.tx.clone());
        tokio::spawn(async move {
            let reader = reader.await;
            let result = tokio::select! {
                _ = token.cancelled() => return,
                r = crate::viewing::search(&reader, &request, &token) => r,
            };
            let _ = tx.send(Event::ViewFound { ticket, result });
        });
    }

    pub(super) fn cancel_view_search(&mut self) {
        if let Some(old) = self.view_search.take() {
            old.cancel();
        }
    }
}
