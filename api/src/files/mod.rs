//! The file store of dossier documents: bytes kept under their SHA-256, written once (the same
//! file uploaded twice is stored once). Local disk by default (`--files-dir`, or `files/` in
//! the data folder), or an S3-compatible object store (`--files-s3-endpoint`: MinIO, Ceph, a
//! provincial data centre's object storage), which several instances behind a load balancer
//! share without a network volume.

pub mod s3;

use std::path::PathBuf;

/// Where dossier files live.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// A folder: `<root>/<first two hex digits>/<sha256>`.
    Local { root: PathBuf },
    /// A bucket: objects `<first two hex digits>/<sha256>`.
    S3(s3::S3Store),
}

/// Whether `sha256` is 64 lowercase hex digits (no other name ever reaches a disk or a bucket).
fn is_sha256(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The name of a file in the store: spread over 256 folders by its first two digits.
fn key(sha256: &str) -> String {
    format!("{}/{sha256}", &sha256[..2])
}

impl FileStore {
    /// Keeps `bytes` under `sha256`.
    pub async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        if !is_sha256(sha256) {
            return Err(std::io::Error::other("not a SHA-256"));
        }
        match self {
            Self::Local { root } => put_local(&root.join(key(sha256)), bytes).await,
            Self::S3(store) => store.put(&key(sha256), sha256, bytes).await,
        }
    }

    /// The bytes kept under `sha256`, if any.
    pub async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !is_sha256(sha256) {
            return Ok(None);
        }
        match self {
            Self::Local { root } => get_local(&root.join(key(sha256))).await,
            Self::S3(store) => store.get(&key(sha256)).await,
        }
    }
}

/// Writes a file once (to a temporary name, then renamed: a reader never sees half a file).
async fn put_local(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if tokio::fs::try_exists(path).await.unwrap_or(false) {
        return Ok(());
    }
    if let Some(folder) = path.parent() {
        tokio::fs::create_dir_all(folder).await?;
    }
    let partial = path.with_extension(format!("part-{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, path).await
}

async fn get_local(path: &std::path::Path) -> std::io::Result<Option<Vec<u8>>> {
    match tokio::fs::read(path).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}
