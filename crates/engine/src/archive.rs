//! Inside zip archives, local or on OneDrive, without fetching them whole.
//!
//! A zip keeps its table of contents (the central directory) at its end, so a
//! listing needs only the last few KiB, and an entry only its own bytes: on
//! OneDrive they are read with HTTP Range requests (Graph reference §4) through
//! a small block cache. The zip crate does the parsing; what it reads comes
//! through [`RangedReader`], which asks its [`RangeSource`] for blocks.
//!
//! Entry names are hostile like any name from outside: they are shown escaped,
//! and an entry becomes a local file only if every part of its path is one safe
//! local name (no `..`, no absolute path, no separators hidden in a name).

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use odc_graph::Graph;
use odc_graph::range::{ContentKey, UrlCache};

/// The smallest read sent to the source; sequential reads ask for more, up to
/// [`MAX_SPAN`], so an entry of several GiB is not read 64 KiB per request.
const BLOCK: u64 = 64 * 1024;
const MAX_SPAN: u64 = 4 * 1024 * 1024;

/// Whatever can hand out a byte range of a file: a local file, a OneDrive item.
pub trait RangeSource: Send + Sync {
    fn size(&self) -> u64;
    /// Bytes `offset..offset + len` (fewer at the end).
    fn read_at(&self, offset: u64, len: u64) -> io::Result<Vec<u8>>;
}

impl RangeSource for Box<dyn RangeSource> {
    fn size(&self) -> u64 {
        (**self).size()
    }

    fn read_at(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        (**self).read_at(offset, len)
    }
}

/// A local file, read with positioned reads.
pub struct LocalSource {
    file: std::fs::File,
    size: u64,
}

impl LocalSource {
    pub fn open(path: &std::path::Path) -> io::Result<Self> {
        let file = odc_core::fsutil::open_regular_for_read(path)?;
        let size = file.metadata()?.len();
        Ok(Self { file, size })
    }
}

impl RangeSource for LocalSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let len = len.min(self.size.saturating_sub(offset)) as usize;
        let mut buf = vec![0u8; len];
        let mut done = 0;
        while done < len {
            match self.file.read_at(&mut buf[done..], offset + done as u64)? {
                0 => break,
                n => done += n,
            }
        }
        buf.truncate(done);
        Ok(buf)
    }
}

/// A OneDrive file, read by Range requests from a blocking thread (the zip
/// crate reads synchronously): each read waits for its request on `runtime`.
pub struct RemoteSource {
    graph: Arc<Graph>,
    id: String,
    size: u64,
    urls: tokio::sync::Mutex<UrlCache>,
    runtime: tokio::runtime::Handle,
    /// Bytes fetched so far (what a listing cost).
    pub fetched: Arc<AtomicU64>,
}

impl RemoteSource {
    /// Must be made on the runtime (it keeps its handle) and read off it.
    pub fn new(graph: Arc<Graph>, id: String, size: u64) -> Self {
        Self {
            graph,
            id,
            size,
            urls: Default::default(),
            runtime: tokio::runtime::Handle::current(),
            fetched: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl RangeSource for RemoteSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        let key = ContentKey::current(&self.id);
        let bytes = self
            .runtime
            .block_on(self.graph.read_range(key, &self.urls, offset, len))
            .map_err(io::Error::other)?;
        self.fetched
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(bytes.to_vec())
    }
}

/// `Read + Seek` over a [`RangeSource`], one block kept.
pub struct RangedReader<S> {
    source: S,
    pos: u64,
    /// The block held: where it starts and its bytes.
    held: Option<(u64, Vec<u8>)>,
    /// How much the next miss asks for: grows while reads follow each other.
    span: u64,
}

impl<S: RangeSource> RangedReader<S> {
    pub fn new(source: S) -> Self {
        Self {
            source,
            pos: 0,
            held: None,
            span: BLOCK,
        }
    }

    pub fn source(&self) -> &S {
        &self.source
    }
}

impl<S: RangeSource> Read for RangedReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.pos >= self.source.size() {
            return Ok(0);
        }
        let inside = |held: &Option<(u64, Vec<u8>)>, pos: u64| {
            held.as_ref()
                .is_some_and(|(start, bytes)| pos >= *start && pos < start + bytes.len() as u64)
        };
        if !inside(&self.held, self.pos) {
            let follows = self
                .held
                .as_ref()
                .is_some_and(|(start, bytes)| start + bytes.len() as u64 == self.pos);
            self.span = if follows {
                (self.span * 2).min(MAX_SPAN)
            } else {
                BLOCK
            };
            let start = if follows {
                self.pos
            } else {
                self.pos - self.pos % BLOCK
            };
            let bytes = self.source.read_at(start, self.span)?;
            if bytes.is_empty() {
                return Ok(0);
            }
            self.held = Some((start, bytes));
        }
        let (start, bytes) = self.held.as_ref().expect("filled above");
        let from = (self.pos - start) as usize;
        let n = buf.len().min(bytes.len() - from);
        buf[..n].copy_from_slice(&bytes[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<S: RangeSource> Seek for RangedReader<S> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let size = self.source.size() as i128;
        let target = match to {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::End(n) => size + n as i128,
            SeekFrom::Current(n) => self.pos as i128 + n as i128,
        };
        if target < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the archive",
            ));
        }
        self.pos = target as u64;
        Ok(self.pos)
    }
}

/// One entry of an archive, or a folder its paths imply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name inside its folder (as stored: shown escaped).
    pub name: String,
    /// Its path inside the archive, `/`-separated, no trailing `/`.
    pub path: String,
    pub is_dir: bool,
    /// Uncompressed size (0 for folders).
    pub size: u64,
    pub modified: Option<chrono::NaiveDateTime>,
}

/// An open archive: its table of contents read once, entries read on demand.
pub struct Archive<S: RangeSource> {
    zip: zip::ZipArchive<RangedReader<S>>,
    /// Every entry, folders included, in the archive's order, folders after.
    entries: Vec<Entry>,
    /// A file entry's path → its index in the zip.
    files: std::collections::HashMap<String, usize>,
}

/// Why an archive could not be read: a damaged or unsupported zip, or I/O.
pub fn describe(err: zip::result::ZipError) -> String {
    match err {
        zip::result::ZipError::Io(err) => err.to_string(),
        zip::result::ZipError::UnsupportedArchive(what) => {
            format!("not supported by odc's zip reader: {what}")
        }
        zip::result::ZipError::FileNotFound => "no such entry in the archive".into(),
        other => format!("not a readable zip archive ({other})"),
    }
}

/// An entry's path inside the archive as odc names it: `/`-separated, with no
/// empty, `.` or leading parts. Backslashes stay part of a name (they are not
/// separators in zip paths) and are refused when one becomes a local file.
pub fn normal(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn naive(t: zip::DateTime) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(t.year().into(), t.month().into(), t.day().into())?.and_hms_opt(
        t.hour().into(),
        t.minute().into(),
        t.second().into(),
    )
}

impl<S: RangeSource> Archive<S> {
    /// Reads the table of contents (the end of the file).
    pub fn open(source: S) -> Result<Self, String> {
        let zip = zip::ZipArchive::new(RangedReader::new(source)).map_err(describe)?;
        let (entries, files) = table_of_contents(&zip);
        Ok(Self {
            zip,
            entries,
            files,
        })
    }

    /// Every entry, folders included (those only implied by paths too), in the
    /// archive's order, folders after.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// What is directly in the folder `dir` of the archive (`""`: its top),
    /// folders first, then by name; `None` when there is no such folder.
    pub fn list(&self, dir: &str) -> Option<Vec<Entry>> {
        let dir = normal(dir);
        if !dir.is_empty() && !self.entries.iter().any(|e| e.is_dir && e.path == dir) {
            return None;
        }
        let mut inside: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| match e.path.rsplit_once('/') {
                Some((parent, _)) => parent == dir,
                None => dir.is_empty(),
            })
            .cloned()
            .collect();
        inside.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));
        Some(inside)
    }

    /// The entry at `path`, when it is there.
    pub fn find(&self, path: &str) -> Option<&Entry> {
        let path = normal(path);
        self.entries.iter().find(|e| e.path == path)
    }

    /// Streams the file entry at `path` (decompressed, its CRC checked as the
    /// last bytes are read) into `out`; returns how many bytes. I/O errors stay
    /// what they are (a closed pipe is one); a damaged entry is `Other`.
    pub fn copy_entry(&mut self, path: &str, out: &mut dyn io::Write) -> io::Result<u64> {
        let index = *self.files.get(&normal(path)).ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, "no such file in the archive")
        })?;
        let mut file = self.zip.by_index(index).map_err(|e| match e {
            zip::result::ZipError::Io(err) => err,
            other => io::Error::other(describe(other)),
        })?;
        io::copy(&mut file, out)
    }
}

/// The entries the central directory lists, with the folders their paths imply,
/// and where each file entry is.
fn table_of_contents<R: Read + Seek>(
    zip: &zip::ZipArchive<R>,
) -> (Vec<Entry>, std::collections::HashMap<String, usize>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut files = std::collections::HashMap::new();
    let mut folders = std::collections::BTreeSet::new();
    for index in 0..zip.len() {
        let Ok(data) = zip.by_index_data(index) else {
            continue;
        };
        let path = normal(&String::from_utf8_lossy(data.name_raw()));
        if path.is_empty() {
            continue;
        }
        let mut parent = path.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            folders.insert(up.to_string());
            parent = up;
        }
        if data.is_dir() {
            folders.insert(path);
            continue;
        }
        files.insert(path.clone(), index);
        entries.push(Entry {
            name: path.rsplit('/').next().unwrap_or(&path).to_string(),
            path,
            is_dir: false,
            size: data.size(),
            modified: data.last_modified().and_then(naive),
        });
    }
    for folder in folders {
        if files.contains_key(&folder) {
            continue;
        }
        entries.push(Entry {
            name: folder.rsplit('/').next().unwrap_or(&folder).to_string(),
            path: folder,
            is_dir: true,
            size: 0,
            modified: None,
        });
    }
    (entries, files)
}

/// Where an entry at `path` goes below `folder`: only when every part of its
/// path is one safe local name (an archive may hold `../../.bashrc`).
pub fn local_target(folder: &std::path::Path, path: &str) -> Result<std::path::PathBuf, String> {
    let mut target = folder.to_path_buf();
    for part in path.split('/') {
        if let Some(reason) = odc_graph::local_names::unsafe_reason(part) {
            return Err(format!(
                "{}: {reason}; not written",
                odc_core::display::escape_control(path)
            ));
        }
        target.push(part);
    }
    Ok(target)
}
