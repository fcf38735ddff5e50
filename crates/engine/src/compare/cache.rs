//! Local files' QuickXorHash, remembered by where and what the file is (device,
//! inode, size, modified and change times to the nanosecond, and path): a second compare of
//! an unchanged tree reads no file. One text line per file in the cache directory,
//! written atomically; a damaged line is just not used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::tree::Node;
use odc_core::fsutil::FileVersion;

#[derive(Debug, Default)]
pub struct HashCache {
    file: Option<PathBuf>,
    known: HashMap<(PathBuf, FileVersion), String>,
    /// Files hashed (read) since loading, and answers given from the cache.
    pub hashed: usize,
    pub reused: usize,
    changed: bool,
}

impl HashCache {
    /// The cache kept in `file` (None: remember nothing between runs).
    pub fn load(file: Option<PathBuf>) -> HashCache {
        let mut cache = HashCache {
            file: file.clone(),
            ..Default::default()
        };
        let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) else {
            return cache;
        };
        for line in text.lines() {
            // Lines of older versions (no change time) have six fields: not used.
            let fields: Vec<&str> = line.splitn(7, '\t').collect();
            if let [dev, ino, size, mtime, ctime, hash, path] = fields[..]
                && let (Ok(dev), Ok(ino), Ok(size), Ok(mtime_ns), Ok(ctime_ns)) = (
                    dev.parse(),
                    ino.parse(),
                    size.parse(),
                    mtime.parse(),
                    ctime.parse(),
                )
            {
                let id = FileVersion {
                    dev,
                    ino,
                    size,
                    mtime_ns,
                    ctime_ns,
                };
                cache
                    .known
                    .insert((PathBuf::from(path), id), hash.to_string());
            }
        }
        cache
    }

    /// The hash of the local file `node` below `root`: from the cache if the file is
    /// unchanged, else read (and remembered). None if it cannot be read.
    pub async fn hash(&mut self, root: &Path, node: &Node) -> Option<String> {
        let id = node.local?;
        let path = root.join(&node.path);
        if let Some(hash) = self.known.get(&(path.clone(), id)) {
            self.reused += 1;
            return Some(hash.clone());
        }
        let hasher = odc_core::quickxor::hash_file(&path, None).await.ok()?;
        if hasher.len() != id.size {
            return None; // being written: neither cached nor trusted
        }
        let hash = hasher.finish_base64();
        self.hashed += 1;
        self.changed = true;
        self.known.insert((path, id), hash.clone());
        Some(hash)
    }

    /// Writes the cache back if it learnt anything.
    pub fn save(&self) -> std::io::Result<()> {
        let (Some(file), true) = (&self.file, self.changed) else {
            return Ok(());
        };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = String::new();
        for ((path, id), hash) in &self.known {
            // Paths with a tab or newline cannot be written on one line: not cached.
            let Some(p) = path.to_str().filter(|p| !p.contains(['\t', '\n'])) else {
                continue;
            };
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{hash}\t{p}\n",
                id.dev, id.ino, id.size, id.mtime_ns, id.ctime_ns
            ));
        }
        odc_core::fsutil::write_private_atomically(file, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unchanged_file_is_hashed_once_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.txt"), b"hello world").unwrap();
        let store = dir.path().join("cache/hashes.tsv");
        let tree = super::super::tree::local(&root, false).unwrap();
        let node = tree.nodes["a.txt"].clone();

        let mut cache = HashCache::load(Some(store.clone()));
        let first = cache.hash(&root, &node).await.unwrap();
        assert_eq!(first, odc_core::quickxor::quickxor_base64(b"hello world"));
        assert_eq!((cache.hashed, cache.reused), (1, 0));
        cache.save().unwrap();

        let mut again = HashCache::load(Some(store.clone()));
        assert_eq!(again.hash(&root, &node).await.unwrap(), first);
        assert_eq!((again.hashed, again.reused), (0, 1), "read from the cache");

        // Same size, new content: the modified time differs, so it is read again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(root.join("a.txt"), b"HELLO WORLD").unwrap();
        let tree = super::super::tree::local(&root, false).unwrap();
        let changed = tree.nodes["a.txt"].clone();
        let hash = again.hash(&root, &changed).await.unwrap();
        assert_ne!(hash, first);
        assert_eq!(again.hashed, 1);

        // An edit that puts size and modified time back (`cp -p`, `rsync -t`)
        // is still an edit: the change time moved.
        let before = std::fs::metadata(root.join("a.txt")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(root.join("a.txt"), b"hello WORLD").unwrap();
        let file = std::fs::File::options()
            .write(true)
            .open(root.join("a.txt"))
            .unwrap();
        file.set_modified(before.modified().unwrap()).unwrap();
        let tree = super::super::tree::local(&root, false).unwrap();
        let edited = tree.nodes["a.txt"].clone();
        assert_eq!(edited.modified, changed.modified, "modified time put back");
        let hash = again.hash(&root, &edited).await.unwrap();
        assert_eq!(hash, odc_core::quickxor::quickxor_base64(b"hello WORLD"));
        assert_eq!(again.hashed, 2, "read again");
    }
}
