//! What a feature's I/O works with: the way back to `update` (events), the
//! configuration, and the Graph clients for every drive a pane shows.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::shared::messages::Event;
use odc_core::config::Config;
use odc_engine::transfer::{Engine, Location};
use odc_graph::Graph;
use odc_graph::graphs::Graphs;
use odc_graph::path::DriveSpec;
use odc_graph::tokens::TokenStore;

#[derive(Clone)]
pub struct Services {
    pub tx: UnboundedSender<Event>,
    pub config: Arc<Config>,
    /// Clients for every account and drive the panes show.
    pub graphs: Arc<Graphs>,
    /// The signed-in accounts' tokens.
    pub store: TokenStore,
    /// The transfer engine: copies and moves, one queue for the whole UI.
    pub engine: Engine,
    /// How pictures are drawn: the terminal's graphics, or half blocks.
    pub picker: ratatui_image::picker::Picker,
}

impl Services {
    /// Sends an event back to `update`; the loop may have ended, which is fine.
    pub fn report(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// The filter of rules written on one line (`- *.tmp; - .git/`), None when
    /// there are none. The dialogs check the rules before they send them; should
    /// one still not be a rule, it is said, not dropped in silence.
    pub fn filter(&self, rules: &str) -> Option<Arc<odc_engine::filter::Filter>> {
        match odc_engine::filter::Filter::from_line(rules) {
            Ok(filter) => filter.map(Arc::new),
            Err(problem) => {
                self.report(Event::Message(problem));
                None
            }
        }
    }

    /// The client for a drive, to await inside the effect's task (finding another
    /// account's the first time reads the token store), or None with the reason
    /// shown when its account is signed out or unknown.
    pub fn graph_in(
        &self,
        drive: &DriveSpec,
    ) -> impl Future<Output = Option<Arc<Graph>>> + Send + use<> {
        let (graphs, tx, drive) = (self.graphs.clone(), self.tx.clone(), drive.clone());
        async move {
            if drive.is_default() {
                return graphs.default_graph();
            }
            match graphs.for_drive(&drive).await {
                Ok(graph) => Some(graph),
                Err(err) => {
                    let _ = tx.send(Event::Message(format!(
                        "{}: {err}",
                        odc_core::display::escape_control(&drive.prefix())
                    )));
                    None
                }
            }
        }
    }

    /// [`Services::graph_in`] for a location's drive (the default one for a
    /// local place).
    pub fn graph_at(
        &self,
        location: &Location,
    ) -> impl Future<Output = Option<Arc<Graph>>> + Send + use<> {
        let drive = match location {
            Location::Remote(path) => path.drive().clone(),
            Location::Local(_) => DriveSpec::default(),
        };
        self.graph_in(&drive)
    }
}
