//! What an account can open besides its OneDrive (Graph reference §10.7): its drives,
//! the SharePoint sites it follows or finds, and each site's document libraries.
//! Sites exist for work and school accounts only; personal accounts get an error.

use serde::Deserialize;

use super::client::Graph;
use super::error::{Error, Result};
use super::item::Drive;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Site {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
}

impl Site {
    pub fn title(&self) -> &str {
        self.display_name
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or(&self.id)
    }
}

#[derive(Deserialize)]
pub(super) struct Collection<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Most pages of one collection read: these lists are short, and a server that
/// keeps sending links must not keep odc busy.
const MAX_PAGES: usize = 50;

impl Graph {
    /// Every page of a collection.
    pub(super) async fn collection<T: serde::de::DeserializeOwned>(
        &self,
        url: String,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        let mut next = Some(url);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(Error::Other(format!(
                    "OneDrive sent more than {MAX_PAGES} pages of drives or sites"
                )));
            }
            let page: Collection<T> = self.get(&url).await?;
            all.extend(page.value);
            next = page.next_link;
        }
        Ok(all)
    }

    /// `GET /me/drives`: the drives of the signed-in account.
    pub async fn my_drives(&self) -> Result<Vec<Drive>> {
        self.collection(self.graph_url("me/drives")).await
    }

    /// `GET /me/followedSites`.
    pub async fn followed_sites(&self) -> Result<Vec<Site>> {
        self.collection(self.graph_url("me/followedSites")).await
    }

    /// `GET /sites?search=…`.
    pub async fn search_sites(&self, text: &str) -> Result<Vec<Site>> {
        let mut url = url::Url::parse(&self.graph_url("sites"))
            .map_err(|e| Error::Other(format!("bad sites URL: {e}")))?;
        url.query_pairs_mut().append_pair("search", text);
        self.collection(url.to_string()).await
    }

    /// `GET /sites/{id}/drives`: a site's document libraries.
    pub async fn site_drives(&self, site_id: &str) -> Result<Vec<Drive>> {
        let url = self.graph_url(&format!(
            "sites/{}/drives",
            super::path::encode_segment(site_id)
        ));
        self.collection(url).await
    }
}
