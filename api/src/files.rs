//! The file store of dossier documents: bytes kept under their SHA-256, written once (the same
//! file uploaded twice is stored once). Local disk by default (`--files-dir`, or `files/` in
//! the data folder); several instances behind a load balancer share one folder (a network
//! volume). An S3-compatible store is the next variant of [`FileStore`].

use std::path::PathBuf;

/// Where dossier files live.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// A folder: `<root>/<first two hex digits>/<sha256>`.
    Local { root: PathBuf },
}

impl FileStore {
    /// The path of a file, or `None` when `sha256` is not 64 lowercase hex digits (no other
    /// name ever reaches the disk).
    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        match self {
            Self::Local { root } => valid.then(|| root.join(&sha256[..2]).join(sha256)),
        }
    }

    /// Keeps `bytes` under `sha256` (written to a temporary name, then renamed: a reader never
    /// sees half a file).
    pub async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let Some(path) = self.path(sha256) else {
            return Err(std::io::Error::other("not a SHA-256"));
        };
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        if let Some(folder) = path.parent() {
            tokio::fs::create_dir_all(folder).await?;
        }
        let partial = path.with_extension(format!("part-{}", uuid::Uuid::new_v4()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await
    }

    /// The bytes kept under `sha256`, if any.
    pub async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path(sha256) else {
            return Ok(None);
        };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}
