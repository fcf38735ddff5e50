//! Delta (Graph reference §6.6): a folder's subtree as a first walk, then only what
//! changed, page by page; the last page's deltaLink is kept to replay later.

use serde::Deserialize;

use super::client::Graph;
use super::error::Result;
use super::item::DriveItem;

/// One page of a delta walk.
#[derive(Debug)]
pub struct DeltaPage {
    pub items: Vec<DriveItem>,
    /// The next page of this walk.
    pub next: Option<String>,
    /// The end of the walk: where the next walk starts.
    pub delta_link: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    value: Vec<DriveItem>,
    #[serde(rename = "@odata.nextLink")]
    next: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    delta_link: Option<String>,
}

impl Graph {
    /// Where a first delta walk of `folder_id` starts.
    pub fn delta_start(&self, folder_id: &str) -> String {
        format!(
            "{}?$top={}",
            self.drive_url(&format!(
                "items/{}/delta",
                super::path::encode_segment(folder_id)
            )),
            self.config.transfer.page_size
        )
    }

    /// One page; a token that is too old is `Error::Graph { status: 410, .. }`
    /// (start over from [`Graph::delta_start`]).
    pub async fn delta_page(&self, url: &str) -> Result<DeltaPage> {
        let page: Page = self.get(url).await?;
        Ok(DeltaPage {
            items: page.value,
            next: page.next,
            delta_link: page.delta_link,
        })
    }
}
