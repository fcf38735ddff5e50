//! Reads what the drive picker lists, off the UI task: the signed-in accounts (the
//! token store), then for each work account the document libraries of the sites
//! it follows, or of the sites a search finds. Places arrive in batches as they
//! are read; the last batch says it is the last.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::shared::messages::Event;
use crate::shared::messages::drives::Place;
use odc_core::config::Config;
use odc_core::display::escape_control;
use odc_engine::transfer::Location;
use odc_graph::graphs::Graphs;
use odc_graph::path::DriveSpec;
use odc_graph::tokens::{Account, TokenStore};
use odc_graph::{Graph, RemotePath};

/// An account as the picker addresses it: the default account is `OneDrive:`.
struct Known {
    account: Account,
    spec: DriveSpec,
}

impl Known {
    /// Work accounts have sites; an account saved before odc noted kinds may be
    /// one, so it is asked too, and a refusal from it is not shown.
    fn business(&self) -> bool {
        self.account.kind != "personal"
    }

    fn kind_known(&self) -> bool {
        !self.account.kind.is_empty()
    }

    fn in_drive(&self, drive_id: &str) -> DriveSpec {
        DriveSpec {
            account: self.spec.account.clone(),
            drive_id: Some(drive_id.to_string()),
            folder: None,
        }
    }
}

async fn accounts(store: TokenStore, config: Arc<Config>) -> Result<Vec<Known>, String> {
    let listed = tokio::task::spawn_blocking(move || store.list(&config))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let (accounts, default) = listed;
    let mut known: Vec<Known> = accounts
        .into_iter()
        .map(|account| {
            let is_default = default.as_deref() == Some(account.username.as_str());
            let spec = DriveSpec {
                account: (!is_default).then(|| account.short_name().to_string()),
                drive_id: None,
                folder: None,
            };
            Known { account, spec }
        })
        .collect();
    // The default account first, the others by name.
    known.sort_by_key(|k| (k.spec.account.is_some(), k.account.short_name().to_string()));
    Ok(known)
}

fn root(spec: DriveSpec) -> Location {
    Location::Remote(RemotePath::root().in_drive(spec))
}

fn send(tx: &UnboundedSender<Event>, ticket: u64, places: Vec<Place>, done: bool) {
    let _ = tx.send(Event::Places {
        ticket,
        places,
        done,
    });
}

/// The libraries of these sites as places of `known`.
async fn libraries(
    graph: &Graph,
    known: &Known,
    sites: Vec<odc_graph::drives::Site>,
) -> Vec<Place> {
    let mut places = Vec::new();
    for site in sites {
        match graph.site_drives(&site.id).await {
            Ok(drives) => {
                for drive in drives {
                    places.push(Place {
                        label: format!(
                            "{} › {}",
                            escape_control(site.title()),
                            escape_control(drive.name.as_deref().unwrap_or(&drive.id))
                        ),
                        owner: known.account.short_name().to_string(),
                        target: root(known.in_drive(&drive.id)),
                    });
                }
            }
            Err(err) => tracing::info!("libraries of a site: {err}"),
        }
    }
    places
}

/// The account's drives besides its OneDrive (`/me/drives`).
async fn other_drives(graph: &Graph, known: &Known) -> Vec<Place> {
    let (own, all) = match (graph.drive().await, graph.my_drives().await) {
        (Ok(own), Ok(all)) => (own, all),
        (Err(err), _) | (_, Err(err)) => {
            tracing::info!("drives of an account: {err}");
            return Vec::new();
        }
    };
    all.into_iter()
        .filter(|drive| drive.id != own.id)
        .map(|drive| Place {
            label: format!(
                "{} ({})",
                escape_control(drive.name.as_deref().unwrap_or(&drive.id)),
                escape_control(&known.account.username)
            ),
            owner: known.account.short_name().to_string(),
            target: root(known.in_drive(&drive.id)),
        })
        .collect()
}

/// What others shared with the account: each shared folder, under "Shared with
/// me" (a file shared alone is reached with `odc shared` and its folder).
async fn shared_with(graph: &Graph, known: &Known) -> Vec<Place> {
    let items = match graph.shared_with_me().await {
        Ok(items) => items,
        Err(err) => {
            tracing::info!("items shared with an account: {err}");
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|item| {
            let spec = item.place(known.spec.account.clone())?;
            Some(Place {
                label: format!(
                    "Shared with me › {} ({})",
                    escape_control(&item.name),
                    escape_control(item.owner.as_deref().unwrap_or("another drive"))
                ),
                owner: known.account.short_name().to_string(),
                target: root(spec),
            })
        })
        .collect()
}

/// Every account's OneDrive and other drives, what others shared with it, then the
/// libraries of the sites work accounts follow.
pub fn load(
    graphs: Arc<Graphs>,
    store: TokenStore,
    config: &Arc<Config>,
    ticket: u64,
    tx: &UnboundedSender<Event>,
) {
    let (config, tx) = (config.clone(), tx.clone());
    tokio::spawn(async move {
        let known = match accounts(store, config).await {
            Ok(known) => known,
            Err(problem) => {
                let _ = tx.send(Event::Message(format!(
                    "Cannot read the accounts: {problem}"
                )));
                send(&tx, ticket, Vec::new(), true);
                return;
            }
        };
        let onedrives = known
            .iter()
            .map(|k| Place {
                label: format!(
                    "OneDrive · {} ({})",
                    escape_control(&k.account.display_name),
                    escape_control(&k.account.username)
                ),
                owner: k.account.short_name().to_string(),
                target: root(k.spec.clone()),
            })
            .collect();
        send(&tx, ticket, onedrives, false);
        for k in &known {
            let Ok(graph) = graphs.for_drive(&k.spec).await else {
                continue;
            };
            send(&tx, ticket, other_drives(&graph, k).await, false);
            send(&tx, ticket, shared_with(&graph, k).await, false);
        }
        for k in known.iter().filter(|k| k.business()) {
            let graph = match graphs.for_drive(&k.spec).await {
                Ok(graph) => graph,
                Err(err) => {
                    let _ = tx.send(Event::Message(format!(
                        "{}: {err}",
                        escape_control(k.account.short_name())
                    )));
                    continue;
                }
            };
            match graph.followed_sites().await {
                Ok(sites) => send(&tx, ticket, libraries(&graph, k, sites).await, false),
                Err(_) if !k.kind_known() => {}
                Err(err) => {
                    let _ = tx.send(Event::Message(format!(
                        "{}: cannot list followed sites: {err}",
                        escape_control(k.account.short_name())
                    )));
                }
            }
        }
        send(&tx, ticket, Vec::new(), true);
    });
}

/// The libraries of the sites matching `text`, for every work account.
pub fn search(
    graphs: Arc<Graphs>,
    store: TokenStore,
    config: &Arc<Config>,
    ticket: u64,
    text: String,
    tx: &UnboundedSender<Event>,
) {
    let (config, tx) = (config.clone(), tx.clone());
    tokio::spawn(async move {
        let known = accounts(store, config).await.unwrap_or_default();
        let work: Vec<&Known> = known.iter().filter(|k| k.business()).collect();
        if !work.iter().any(|k| k.kind_known()) {
            let _ = tx.send(Event::Message(
                "Site search needs a work or school account (`odc login` adds one)".into(),
            ));
        }
        let mut found = 0;
        for k in work {
            let Ok(graph) = graphs.for_drive(&k.spec).await else {
                continue;
            };
            match graph.search_sites(&text).await {
                Ok(sites) => {
                    let places = libraries(&graph, k, sites).await;
                    found += places.len();
                    send(&tx, ticket, places, false);
                }
                Err(_) if !k.kind_known() => {}
                Err(err) => {
                    let _ = tx.send(Event::Message(format!("Site search failed: {err}")));
                }
            }
        }
        if found == 0 {
            let _ = tx.send(Event::Message(format!(
                "No site matches {}",
                escape_control(&text)
            )));
        }
        send(&tx, ticket, Vec::new(), true);
    });
}
