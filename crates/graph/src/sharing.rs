//! Sharing links (Graph reference §10.5): `POST …/items/{id}/createLink`.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::item::ItemAddress;

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    View,
    Edit,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::View => "view",
            LinkKind::Edit => "edit",
        }
    }
}

/// The link the service made (or had made before: the same one comes back).
#[derive(Debug, Clone, PartialEq)]
pub struct SharingLink {
    pub url: String,
    pub kind: String,
    /// `anonymous` (anyone with the link) or `organization`.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct Permission {
    link: Option<LinkFacet>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkFacet {
    #[serde(rename = "type")]
    kind: Option<String>,
    scope: Option<String>,
    web_url: Option<String>,
}

impl Graph {
    /// A sharing link for the item; `scope` None lets the drive choose its default
    /// (anonymous on personal drives, the organization on business ones).
    pub async fn create_link(
        &self,
        item: &ItemAddress,
        kind: LinkKind,
        scope: Option<&str>,
    ) -> Result<SharingLink> {
        let address = self.by_id(item).await?;
        let url = self.item_url(&address, "/createLink")?;
        let mut body = json!({"type": kind.as_str()});
        if let Some(scope) = scope {
            body["scope"] = json!(scope);
        }
        let permission: Permission = self.json(Method::POST, &url, Body::Json(body)).await?;
        let link = permission
            .link
            .ok_or_else(|| Error::Other("OneDrive returned a permission without a link".into()))?;
        let url = link
            .web_url
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or_else(|| Error::Other("OneDrive returned a link without a web address".into()))?;
        Ok(SharingLink {
            url,
            kind: link.kind.unwrap_or_else(|| kind.as_str().to_string()),
            scope: link.scope,
        })
    }
}
