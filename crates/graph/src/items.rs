//! Drive items: the model, streamed listings, and the metadata operations
//! (mkdir, rename, move, delete, server-side copy).

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::Stream;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::client::{Body, Graph, parse_reply};
use super::error::{Error, Result};
use super::path::{RemotePath, encode_segment};

use super::item::{Conflict, Drive, DriveItem, ItemAddress, LIST_SELECT, Me, check_name};

#[derive(Deserialize)]
struct Page {
    value: Vec<DriveItem>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Only a page's nextLink: read first, so the next page is asked for before this
/// one's items are parsed.
#[derive(Deserialize)]
struct NextLink {
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// The next page, already asked for while the current one is used. Dropping it
/// (a listing abandoned halfway) stops the request.
struct Prefetch {
    url: String,
    reply: tokio::task::JoinHandle<Result<bytes::Bytes>>,
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.reply.abort();
    }
}

struct ListState {
    next: Option<String>,
    prefetch: Option<Prefetch>,
    /// A folder address refused before any request: the stream's only item.
    refused: Option<Error>,
    /// A folder to look up by id first (its path holds a hostile name).
    unresolved: Option<ItemAddress>,
    seen: HashSet<String>,
    /// Every page link followed: a server that hands one out twice would
    /// otherwise keep a listing going forever.
    followed: HashSet<String>,
}

/// Whether a name can go into a OneDrive path URL: `.`, `..` and separators
/// would be resolved by URL handling, on either side, to another item.
fn path_safe(segment: &str) -> bool {
    segment != "." && segment != ".." && !segment.contains(['/', '\\'])
}

impl Graph {
    /// The URL of an item. A path whose segments hold `.`, `..` or a separator
    /// (names a hostile or broken server can return) is refused: URL handling on
    /// either side may resolve `…/ev/../victim.txt` to another item. Such items
    /// are reachable by id only ([`Graph::by_id`]).
    pub(super) fn item_url(&self, address: &ItemAddress, nav: &str) -> Result<String> {
        match address {
            ItemAddress::Path(path) => {
                if let Some(bad) = path.segments().iter().find(|s| !path_safe(s)) {
                    return Err(Error::InvalidName(format!(
                        "{}: the name {:?} cannot be used in a OneDrive path",
                        odc_core::display::escape_control(&path.to_string()),
                        odc_core::display::escape_control(bad)
                    )));
                }
                Ok(format!("{}{nav}", self.path_url(path)))
            }
            ItemAddress::Id(id) => {
                Ok(self.drive_url(&format!("items/{}{nav}", encode_segment(id))))
            }
        }
    }

    /// The same address, as an id when a path would not be safe to send: the
    /// longest safe prefix is looked up by path, then each remaining name is found
    /// among its folder's children by exact name. Only hostile names pay for this.
    pub async fn by_id(&self, address: &ItemAddress) -> Result<ItemAddress> {
        let ItemAddress::Path(path) = address else {
            return Ok(address.clone());
        };
        let segments = path.segments();
        let Some(first_bad) = segments.iter().position(|s| !path_safe(s)) else {
            return Ok(address.clone());
        };
        let mut prefix = RemotePath::root();
        for segment in &segments[..first_bad] {
            prefix = prefix.join(segment);
        }
        let mut current: DriveItem = self
            .get(&self.item_url(&ItemAddress::Path(prefix), "")?)
            .await?;
        let not_found = || Error::Graph {
            status: 404,
            code: "itemNotFound".into(),
            message: "not found on OneDrive".into(),
        };
        for segment in &segments[first_bad..] {
            if !current.is_folder() {
                return Err(not_found());
            }
            let children = Box::pin(self.list_all(&ItemAddress::Id(current.id.clone()))).await?;
            current = children
                .into_iter()
                .find(|child| child.name == *segment)
                .ok_or_else(not_found)?;
        }
        Ok(ItemAddress::Id(current.id))
    }

    pub async fn me(&self) -> Result<Me> {
        self.get(&self.graph_url("me")).await
    }

    pub async fn drive(&self) -> Result<Drive> {
        self.get(self.drive_url("").trim_end_matches('/')).await
    }

    pub async fn item(&self, address: &ItemAddress) -> Result<DriveItem> {
        let address = self.by_id(address).await?;
        self.get(&self.item_url(&address, "")?).await
    }

    /// Like [`Graph::item`], but a missing item is `None`.
    pub async fn item_if_exists(&self, address: &ItemAddress) -> Result<Option<DriveItem>> {
        match self.item(address).await {
            Ok(item) => Ok(Some(item)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Like [`Graph::item_if_exists`], sent with other tasks' requests in a JSON
    /// batch ([`Graph::gathered`]): for engines running many small steps at once.
    pub async fn item_if_exists_gathered(
        &self,
        address: &ItemAddress,
    ) -> Result<Option<DriveItem>> {
        let address = self.by_id(address).await?;
        let step = super::batch_queue::Step {
            method: Method::GET,
            url: self.item_url(&address, "")?,
            body: None,
        };
        match self.gathered(step).await {
            Ok(value) => parse_item(value).map(Some),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The children of a folder as a stream of pages, following each nextLink
    /// verbatim and dropping items already seen on an earlier page.
    pub fn list(
        &self,
        folder: &ItemAddress,
    ) -> impl Stream<Item = Result<Vec<DriveItem>>> + Send + '_ {
        let hostile =
            matches!(folder, ItemAddress::Path(p) if !p.segments().iter().all(|s| path_safe(s)));
        let (next, refused, unresolved) = if hostile {
            (None, None, Some(folder.clone()))
        } else {
            match self.first_page_url(folder) {
                Ok(url) => (Some(url), None, None),
                Err(err) => (None, Some(err), None),
            }
        };
        let state = ListState {
            next,
            prefetch: None,
            refused,
            unresolved,
            seen: HashSet::new(),
            followed: HashSet::new(),
        };
        futures::stream::unfold(state, move |state| self.next_page(state))
    }

    fn first_page_url(&self, folder: &ItemAddress) -> Result<String> {
        Ok(format!(
            "{}?$top={}&$select={LIST_SELECT}",
            self.item_url(folder, "/children")?,
            self.config.transfer.page_size
        ))
    }

    async fn next_page(&self, mut state: ListState) -> Option<(Result<Vec<DriveItem>>, ListState)> {
        if let Some(err) = state.refused.take() {
            return Some((Err(err), state));
        }
        if let Some(folder) = state.unresolved.take() {
            // Boxed: looking a name up lists its parent, which is this stream again.
            match Box::pin(self.by_id(&folder))
                .await
                .and_then(|id| self.first_page_url(&id))
            {
                Ok(url) => state.next = Some(url),
                Err(err) => return Some((Err(err), state)),
            }
        }
        let url = state.next.take()?;
        if !state.followed.insert(url.clone()) {
            return Some((
                Err(Error::Other(
                    "OneDrive sent a page link it had sent before; the listing stopped there \
                     instead of going round in a loop"
                        .into(),
                )),
                state,
            ));
        }
        let body = match state.prefetch.take() {
            Some(mut ahead) if ahead.url == url => (&mut ahead.reply)
                .await
                .unwrap_or_else(|e| Err(Error::Other(format!("listing: {e}")))),
            _ => self.reply_body(Method::GET, &url, Body::Empty).await,
        };
        let page = body.and_then(|body| {
            // The next page is on its way while this one is parsed and used.
            let next: NextLink = parse_reply(&body)?;
            if let Some(link) = next.next_link
                && !state.followed.contains(&link)
            {
                let graph = self.same_drive();
                let fetch = link.clone();
                state.prefetch = Some(Prefetch {
                    url: link,
                    reply: tokio::spawn(async move {
                        graph.reply_body(Method::GET, &fetch, Body::Empty).await
                    }),
                });
            }
            parse_reply::<Page>(&body)
        });
        match page {
            Ok(page) => {
                let items: Vec<DriveItem> = page
                    .value
                    .into_iter()
                    .filter(|item| state.seen.insert(item.id.clone()))
                    .collect();
                state.next = page.next_link;
                Some((Ok(items), state))
            }
            Err(err) => Some((Err(err), state)),
        }
    }

    /// Items of the whole drive matching `text` (`*`: everything), items other
    /// users shared with this one among them (Graph reference §6.5).
    pub(super) fn search_drive(
        &self,
        text: &str,
    ) -> impl Stream<Item = Result<Vec<DriveItem>>> + Send + '_ {
        let quoted = text.replace('\'', "''");
        let url = format!(
            "{}?$top={}&$select={LIST_SELECT}",
            self.drive_url(&format!("search(q='{}')", encode_segment(&quoted))),
            self.config.transfer.page_size
        );
        let state = ListState {
            next: Some(url),
            prefetch: None,
            refused: None,
            unresolved: None,
            seen: HashSet::new(),
            followed: HashSet::new(),
        };
        futures::stream::unfold(state, move |state| self.next_page(state))
    }

    /// Items below `folder_id` matching `text` (Graph reference §6.5), as a stream of
    /// pages like a listing. Graph matches names, metadata and content.
    pub fn search(
        &self,
        folder_id: &str,
        text: &str,
    ) -> impl Stream<Item = Result<Vec<DriveItem>>> + Send + '_ {
        // Inside the quotes a ' is doubled; the segment is then percent-encoded.
        let quoted = text.replace('\'', "''");
        let url = format!(
            "{}?$top={}&$select={LIST_SELECT}",
            self.drive_url(&format!(
                "items/{}/search(q='{}')",
                encode_segment(folder_id),
                encode_segment(&quoted)
            )),
            self.config.transfer.page_size
        );
        let state = ListState {
            next: Some(url),
            prefetch: None,
            refused: None,
            unresolved: None,
            seen: HashSet::new(),
            followed: HashSet::new(),
        };
        futures::stream::unfold(state, move |state| self.next_page(state))
    }

    /// All children, collected.
    pub async fn list_all(&self, folder: &ItemAddress) -> Result<Vec<DriveItem>> {
        use futures::TryStreamExt;
        let pages: Vec<Vec<DriveItem>> = self.list(folder).try_collect().await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// Creates a folder in `parent`.
    pub async fn create_folder(
        &self,
        parent: &ItemAddress,
        name: &str,
        conflict: Conflict,
    ) -> Result<DriveItem> {
        check_name(name, true)?;
        let parent = self.by_id(parent).await?;
        let body = json!({
            "name": name,
            "folder": {},
            "@microsoft.graph.conflictBehavior": conflict.as_str(),
        });
        self.json(
            Method::POST,
            &self.item_url(&parent, "/children")?,
            Body::Json(body),
        )
        .await
    }

    /// Creates `path` and any missing parents (`mkdir -p`).
    pub async fn create_folders(&self, path: &RemotePath) -> Result<DriveItem> {
        let mut current = RemotePath::root();
        let mut item = self.item(&ItemAddress::Path(current.clone())).await?;
        for segment in path.segments() {
            let next = current.join(segment);
            item = match self
                .item_if_exists(&ItemAddress::Path(next.clone()))
                .await?
            {
                Some(existing) if existing.is_folder() => existing,
                Some(_) => {
                    return Err(Error::Other(format!("{next} exists and is not a folder")));
                }
                None => {
                    self.create_folder(
                        &ItemAddress::Id(item.id.clone()),
                        segment,
                        Conflict::Replace,
                    )
                    .await?
                }
            };
            current = next;
        }
        Ok(item)
    }

    /// Creates the folders `names` inside the folder at `parent`, twenty to a
    /// JSON batch (a folder tree being uploaded makes each folder's subfolders in
    /// one round trip). A folder already there is fine; anything else of that name
    /// is an error for that name alone. The outer error is about `parent` itself.
    pub async fn create_folders_in(
        &self,
        parent: &RemotePath,
        names: &[String],
    ) -> Result<Vec<Result<DriveItem>>> {
        let parent_address = self.by_id(&ItemAddress::Path(parent.clone())).await?;
        let url = self.item_url(&parent_address, "/children")?;
        let steps = names
            .iter()
            .map(|name| {
                check_name(name, true).map(|()| super::batch_queue::Step {
                    method: Method::POST,
                    url: url.clone(),
                    body: Some(json!({
                        "name": name,
                        "folder": {},
                        "@microsoft.graph.conflictBehavior": Conflict::Fail.as_str(),
                    })),
                })
            })
            .collect();
        let mut results: Vec<Result<DriveItem>> = self
            .batched_each(steps)
            .await
            .into_iter()
            .map(|r| r.and_then(parse_item))
            .collect();
        // Names already taken: fine when a folder holds them (looked up in batches).
        let taken: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Err(Error::Graph { status: 409, .. })))
            .map(|(i, _)| i)
            .collect();
        let addresses: Vec<ItemAddress> = taken
            .iter()
            .map(|&i| ItemAddress::Path(parent.join(&names[i])))
            .collect();
        for (i, found) in taken.into_iter().zip(self.items_many(&addresses).await) {
            results[i] = match found {
                Ok(item) if item.is_folder() => Ok(item),
                Ok(_) => Err(Error::Other(format!(
                    "{} exists and is not a folder",
                    odc_core::display::escape_control(&parent.join(&names[i]).to_string())
                ))),
                Err(err) => Err(err),
            };
        }
        Ok(results)
    }

    /// Renames and/or moves an item (PATCH). `new_parent_id` must be a real id.
    pub async fn move_item(
        &self,
        id: &str,
        new_parent_id: Option<&str>,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        self.json(
            Method::PATCH,
            &self.item_url(&ItemAddress::Id(id.into()), "")?,
            Body::Json(move_body(new_parent_id, new_name)?),
        )
        .await
    }

    /// Like [`Graph::move_item`], sent with other tasks' requests in a JSON batch
    /// ([`Graph::gathered`]): a thousand files moved share fifty round trips.
    pub async fn move_item_gathered(
        &self,
        id: &str,
        new_parent_id: Option<&str>,
        new_name: Option<&str>,
    ) -> Result<DriveItem> {
        let step = super::batch_queue::Step {
            method: Method::PATCH,
            url: self.item_url(&ItemAddress::Id(id.into()), "")?,
            body: Some(move_body(new_parent_id, new_name)?),
        };
        parse_item(self.gathered(step).await?)
    }

    /// Moves the items `ids` into the folder `parent_id`, twenty to a JSON batch:
    /// each its own result, in order.
    pub async fn move_many(&self, ids: &[String], parent_id: &str) -> Vec<Result<DriveItem>> {
        let steps = ids
            .iter()
            .map(|id| super::batch_queue::Step {
                method: Method::PATCH,
                url: self.drive_url(&format!("items/{}", encode_segment(id))),
                body: Some(json!({"parentReference": {"id": parent_id}})),
            })
            .collect();
        self.batched(steps)
            .await
            .into_iter()
            .map(|r| r.and_then(parse_item))
            .collect()
    }

    /// Sets the modified time OneDrive shows (fileSystemInfo).
    pub async fn set_modified(&self, id: &str, modified: DateTime<Utc>) -> Result<DriveItem> {
        let body =
            json!({"fileSystemInfo": {"lastModifiedDateTime": crate::format_time(modified)}});
        self.json(
            Method::PATCH,
            &self.item_url(&ItemAddress::Id(id.into()), "")?,
            Body::Json(body),
        )
        .await
    }

    /// Deletes several items (to the recycle bin) in JSON batches: each its own
    /// result, in the order given. Each is looked up first (in batches too), so
    /// that what went to the bin is written down with its id and place.
    pub async fn delete_many(&self, addresses: &[ItemAddress]) -> Vec<Result<()>> {
        let found = self.items_many(addresses).await;
        let mut results: Vec<Option<Result<()>>> = Vec::with_capacity(addresses.len());
        let mut items = Vec::new();
        for (address, item) in addresses.iter().zip(found) {
            match item {
                Ok(item) => {
                    items.push((item, address_path(address)));
                    results.push(None);
                }
                Err(err) => results.push(Some(Err(err))),
            }
        }
        let mut deleted = self.delete_found(items).await.into_iter();
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| deleted.next().expect("one result per item")))
            .collect()
    }

    /// Deletes items already looked up (with the path each was named by, if
    /// any) in JSON batches, by id: each its own result, in order.
    pub async fn delete_found(
        &self,
        items: Vec<(DriveItem, Option<RemotePath>)>,
    ) -> Vec<Result<()>> {
        let ids: Vec<ItemAddress> = items
            .iter()
            .map(|(item, _)| ItemAddress::Id(item.id.clone()))
            .collect();
        let results: Vec<Result<()>> = self
            .each_batched(Method::DELETE, &ids)
            .await
            .into_iter()
            .map(|r| r.map(|_| ()))
            .collect();
        let gone = items
            .into_iter()
            .zip(&results)
            .filter(|(_, r)| r.is_ok())
            .map(|(item, _)| item)
            .collect();
        self.note_deleted(gone).await;
        results
    }

    /// Several items' metadata in JSON batches: each its own result, in order.
    pub async fn items_many(&self, addresses: &[ItemAddress]) -> Vec<Result<DriveItem>> {
        self.each_batched(Method::GET, addresses)
            .await
            .into_iter()
            .map(|r| r.and_then(parse_item))
            .collect()
    }

    /// `method` on each address in JSON batches; an address a path cannot carry is
    /// looked up by id first, and one that cannot be sent at all fails alone.
    async fn each_batched(
        &self,
        method: Method,
        addresses: &[ItemAddress],
    ) -> Vec<Result<serde_json::Value>> {
        let mut steps = Vec::with_capacity(addresses.len());
        for address in addresses {
            let url = match self.by_id(address).await {
                Ok(address) => self.item_url(&address, ""),
                Err(err) => Err(err),
            };
            steps.push(url.map(|url| super::batch_queue::Step {
                method: method.clone(),
                url,
                body: None,
            }));
        }
        self.batched_each(steps).await
    }

    /// Deletes an item (it goes to the recycle bin), written down with its id
    /// and place so that it can be found there again.
    pub async fn delete(&self, address: &ItemAddress) -> Result<()> {
        let item = self.item(address).await?;
        self.send(
            Method::DELETE,
            &self.item_url(&ItemAddress::Id(item.id.clone()), "")?,
            Body::Empty,
            &[],
        )
        .await?;
        self.note_deleted(vec![(item, address_path(address))]).await;
        Ok(())
    }

    /// Server-side copy: starts it and polls the monitor (without Authorization)
    /// until it completes; returns the new item.
    pub async fn copy(
        &self,
        id: &str,
        dest_parent_id: &str,
        name: Option<&str>,
        progress: Option<&(dyn Fn(f64) + Send + Sync)>,
    ) -> Result<DriveItem> {
        let mut body = json!({"parentReference": {"id": dest_parent_id}});
        if let Some(name) = name {
            check_name(name, false)?;
            body["name"] = json!(name);
        }
        let url = format!(
            "{}?@microsoft.graph.conflictBehavior=fail",
            self.item_url(&ItemAddress::Id(id.into()), "/copy")?
        );
        let response = self.send(Method::POST, &url, Body::Json(body), &[]).await?;
        let monitor = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Other("the copy reply has no monitor URL".into()))?
            .to_string();
        let mut failures = 0;
        let mut delay = Duration::from_millis(250);
        loop {
            self.gate().wait().await;
            let reply = match self.plain().get(&monitor).send().await {
                Ok(reply) => reply,
                Err(err) => {
                    failures += 1;
                    if failures >= self.max_attempts() {
                        return Err(Error::from(err.without_url()));
                    }
                    tokio::time::sleep(self.backoff(failures)).await;
                    continue;
                }
            };
            if self.note_throttle(&reply)? {
                continue;
            }
            let status = reply.status().as_u16();
            if ![200, 202, 303].contains(&status) {
                let body = super::client::error_body(reply).await;
                return Err(Error::from_graph(status, &body));
            }
            let job: serde_json::Value = super::client::reply_json(reply).await?;
            if let (Some(report), Some(pct)) = (progress, job["percentageComplete"].as_f64()) {
                report(pct);
            }
            match job["status"].as_str().unwrap_or("") {
                "completed" => {
                    let resource = job["resourceId"]
                        .as_str()
                        .ok_or_else(|| Error::Other("the finished copy names no item".into()))?;
                    return self.item(&ItemAddress::Id(resource.to_string())).await;
                }
                "failed" | "cancelled" => {
                    let code = job["errorCode"].as_str().unwrap_or("unknown");
                    return Err(Error::Other(format!(
                        "the copy failed on OneDrive ({code})"
                    )));
                }
                _ => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
            }
        }
    }
}

/// A driveItem from a reply body.
/// The path an address names, when it names one.
fn address_path(address: &ItemAddress) -> Option<RemotePath> {
    match address {
        ItemAddress::Path(path) => Some(path.clone()),
        ItemAddress::Id(_) => None,
    }
}

fn parse_item(value: serde_json::Value) -> Result<DriveItem> {
    serde_json::from_value(value)
        .map_err(|e| Error::Other(format!("unexpected reply from OneDrive: {e}")))
}

/// The PATCH body of a rename and/or move.
fn move_body(new_parent_id: Option<&str>, new_name: Option<&str>) -> Result<serde_json::Value> {
    let mut body = json!({});
    if let Some(name) = new_name {
        check_name(name, false)?;
        body["name"] = json!(name);
    }
    if let Some(parent) = new_parent_id {
        body["parentReference"] = json!({"id": parent});
    }
    Ok(body)
}
