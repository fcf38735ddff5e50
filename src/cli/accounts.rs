//! `odc accounts`, `odc logout [ACCOUNT] [--everywhere]` and `odc drives`: the
//! signed-in accounts and what each can open.

use super::context::{Context, Outcome};
use humansize::{BINARY, format_size};
use odc_core::display::escape_control;
use odc_graph::item::Drive;

pub async fn accounts(context: &Context, set_default: Option<&str>, json: bool) -> Outcome {
    if let Some(selector) = set_default {
        let account = context
            .store
            .select(&context.config, Some(selector))?
            .expect("select with a name returns an account or an error");
        context.store.make_default(&account.username)?;
        outln!(
            "{} ({}) is now the default account.",
            escape_control(account.short_name()),
            escape_control(&account.username)
        );
        return Ok(());
    }
    let (accounts, default) = context.store.list(&context.config)?;
    if json {
        let values: Vec<_> = accounts
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.short_name(),
                    "username": a.username,
                    "displayName": a.display_name,
                    "kind": a.kind,
                    "tenant": a.tenant,
                    "default": default.as_deref() == Some(a.username.as_str()),
                })
            })
            .collect();
        outln!("{}", serde_json::Value::Array(values));
        return Ok(());
    }
    if accounts.is_empty() {
        outln!("No accounts: `odc login` adds one.");
        return Ok(());
    }
    let width = accounts
        .iter()
        .map(|a| a.short_name().chars().count())
        .max()
        .unwrap_or(0);
    for account in &accounts {
        let mark = if default.as_deref() == Some(account.username.as_str()) {
            '*'
        } else {
            ' '
        };
        outln!(
            "{mark} {:width$}  {:9} {}  ({}, tenant {})",
            escape_control(account.short_name()),
            escape_control(if account.kind.is_empty() {
                "unknown"
            } else {
                &account.kind
            }),
            escape_control(&account.username),
            escape_control(&account.display_name),
            escape_control(&account.tenant),
        );
    }
    Ok(())
}

pub async fn logout(context: &Context, selector: Option<&str>, everywhere: bool) -> Outcome {
    let selector = selector.or(context.account.as_deref());
    let Some(account) = context.store.select(&context.config, selector)? else {
        outln!(
            "Not signed in: no tokens for this app and endpoints in {}.",
            context.store.path().display()
        );
        return Ok(());
    };
    context.store.remove(&account.username)?;
    outln!(
        "Signed out {}: removed its tokens from {}.",
        escape_control(&account.username),
        context.store.path().display()
    );
    if everywhere {
        // The identity platform's sign-out page ends the browser session too.
        let mut url = url::Url::parse(&context.config.logout_url())
            .map_err(|e| odc_graph::Error::Other(format!("bad logout URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("logout_hint", &account.username);
        match odc_core::desktop::open_url(url.as_str()) {
            Ok(()) => outln!("Opened the sign-out page in your browser."),
            Err(err) => {
                tracing::info!("could not open a browser: {err}");
                outln!(
                    "To end the browser session too, open:\n{}",
                    escape_control(url.as_str())
                );
            }
        }
    }
    Ok(())
}

/// `odc shared`: one line per item shared with the account, `NAME  KIND  OWNER
/// PLACE`, the place being what `ls`, `get` and `put` take.
pub async fn shared(context: &Context, json: bool) -> Outcome {
    let graph = context.graph()?;
    let items = graph.shared_with_me().await?;
    let account = context.account.clone();
    let place = |item: &odc_graph::shared::SharedItem| {
        let spec = odc_graph::path::DriveSpec::shared_folder(
            account.clone(),
            &item.drive_id,
            &item.item_id,
        );
        format!("{}:/", spec.prefix())
    };
    if json {
        let values: Vec<serde_json::Value> = items
            .iter()
            .map(|item| {
                serde_json::json!({
                    "name": item.name,
                    "kind": if item.is_folder { "folder" } else { "file" },
                    "size": item.size,
                    "owner": item.owner,
                    "driveId": item.drive_id,
                    "id": item.item_id,
                    "place": place(item),
                    "webUrl": item.web_url,
                })
            })
            .collect();
        outln!("{}", serde_json::Value::Array(values));
        return Ok(());
    }
    if items.is_empty() {
        errln!("nothing is shared with this account");
    }
    for item in &items {
        outln!(
            "{}\t{}\t{}\t{}",
            escape_control(&item.name),
            if item.is_folder { "folder" } else { "file" },
            escape_control(item.owner.as_deref().unwrap_or("-")),
            escape_control(&place(item))
        );
    }
    Ok(())
}

/// One line per drive: `ID  NAME  TYPE  WHERE`.
pub async fn drives(context: &Context, search: Option<&str>) -> Outcome {
    let graph = context.graph()?;
    let print = |drive: &Drive, place: &str| {
        outln!(
            "{}\t{}\t{}\t{}",
            escape_control(&drive.id),
            escape_control(drive.name.as_deref().unwrap_or("")),
            escape_control(drive.drive_type.as_deref().unwrap_or("")),
            escape_control(place)
        );
    };
    let mine = graph.my_drives().await?;
    let business = mine
        .iter()
        .any(|d| d.drive_type.as_deref() != Some("personal"));
    for drive in &mine {
        print(drive, "my drives");
    }
    if !business {
        if search.is_some() {
            errln!("odc: personal accounts have no SharePoint sites to search");
        }
        return Ok(());
    }
    let mut sites = graph.followed_sites().await?;
    if let Some(text) = search {
        for site in graph.search_sites(text).await? {
            if !sites.iter().any(|s| s.id == site.id) {
                sites.push(site);
            }
        }
    }
    for site in &sites {
        for drive in graph.site_drives(&site.id).await? {
            print(&drive, site.title());
        }
    }
    Ok(())
}

pub(super) async fn whoami(context: &Context, json: bool) -> Outcome {
    let graph = context.graph()?;
    let me = graph.me().await?;
    let drive = graph.drive().await?;
    let name = me.display_name.unwrap_or_default();
    let account = me
        .user_principal_name
        .or(me.mail)
        .unwrap_or_else(|| me.id.clone());
    if json {
        let quota = drive.quota.as_ref().map(|q| {
            serde_json::json!({
                "total": q.total, "used": q.used, "remaining": q.remaining,
                "deleted": q.deleted, "state": q.state,
            })
        });
        let value = serde_json::json!({
            "displayName": name,
            "account": account,
            "driveType": drive.drive_type,
            "quota": quota,
        });
        outln!("{value}");
        return Ok(());
    }
    outln!("{} ({})", escape_control(&name), escape_control(&account));
    let kind = drive.drive_type.unwrap_or_else(|| "unknown".into());
    match drive.quota {
        Some(q) => {
            let size = |v: Option<u64>| format_size(v.unwrap_or(0), BINARY);
            // Business quotas have no `deleted` (Graph reference §10.7): say nothing
            // rather than "0 B in the recycle bin".
            let bin = q
                .deleted
                .map(|d| format!(", {} in the recycle bin", size(Some(d))))
                .unwrap_or_default();
            outln!(
                "drive: {kind}, {} used of {} ({} free{bin}{})",
                size(q.used),
                size(q.total),
                size(q.remaining),
                q.state
                    .filter(|s| s != "normal")
                    .map(|s| format!(", quota {s}"))
                    .unwrap_or_default()
            );
        }
        None => outln!("drive: {kind}"),
    }
    Ok(())
}
