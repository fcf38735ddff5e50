//! A picture's thumbnail (learn.microsoft.com: driveitem-list-thumbnails): a
//! preview of a 20 MB photo costs the few KiB of a thumbnail the service makes,
//! asked for in the size it will be shown at (`c{W}x{H}`: fitted, aspect kept).

use super::client::Graph;
use super::error::{Error, Result};
use super::path::encode_segment;

/// The most a thumbnail may be: a service that sends more is not believed.
const MAX_THUMBNAIL: usize = 16 << 20;

impl Graph {
    /// The thumbnail of the file `id` fitting `width`×`height` pixels, or
    /// `None` when the service makes none for it (not a picture, or a kind it
    /// does not render).
    pub async fn thumbnail(
        &self,
        id: &str,
        width: u32,
        height: u32,
    ) -> Result<Option<bytes::Bytes>> {
        let url = self.drive_url(&format!(
            "items/{}/thumbnails/0/c{width}x{height}/content",
            encode_segment(id)
        ));
        let location = match self.location_of(&url).await {
            Ok(location) => location,
            Err(Error::Graph { status: 404, .. }) => return Ok(None),
            Err(err) => return Err(err),
        };
        self.gate().wait().await;
        let response = self
            .plain()
            .get(&location)
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if !response.status().is_success() {
            return Err(Error::Other(format!(
                "the thumbnail could not be read ({})",
                response.status()
            )));
        }
        let bytes = super::client::read_capped(response, MAX_THUMBNAIL).await?;
        super::bandwidth::receiving(bytes.len()).await;
        Ok(Some(bytes))
    }
}
