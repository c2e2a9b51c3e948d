//! Persisted queries. Automatic persisted queries (Apollo's protocol): a client sends
//! `extensions.persistedQuery.sha256Hash` alone, and the full query only when the server answers
//! `PERSISTED_QUERY_NOT_FOUND`; with the hash alone a query fits in a cacheable `GET`.
//! Allow-list mode: only registered operations run (files read at start-up, or
//! `registerOperation`), for servers that serve first-party frontends only; a
//! PROVINCE_ADMIN may still send any query (to register new ones, and to administer).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use sea_orm::DatabaseConnection;

use crate::auth::Principal;
use crate::domain::access::policy::{self, Action};
use crate::domain::integration::operation;
use crate::domain::kernel::error::DomainError;

/// Documents kept from automatic persisted queries, per instance.
const CACHE_CAPACITY: usize = 1_000;
/// Longer documents are run but not kept.
const MAX_CACHED_BYTES: usize = 16 * 1024;

/// Why a request's query could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersistedRefusal {
    /// Apollo clients look for this exact message.
    #[error("PersistedQueryNotFound")]
    NotFound,
    #[error("this server runs only registered operations; this one is not registered")]
    NotAllowed,
    #[error("`extensions.persistedQuery.sha256Hash` does not match the query's SHA-256")]
    HashMismatch,
    #[error(
        "`extensions.persistedQuery` must be {{ version: 1, sha256Hash: <64 lower-case hex digits> }}"
    )]
    Malformed,
    #[error("the request has no query")]
    NoQuery,
    #[error("the service is briefly unavailable; retry shortly")]
    Unavailable,
}

impl PersistedRefusal {
    /// The `extensions.code` of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::NotAllowed => "OPERATION_NOT_ALLOWED",
            Self::Unavailable => "SERVICE_UNAVAILABLE",
            Self::HashMismatch | Self::Malformed | Self::NoQuery => "BAD_REQUEST",
        }
    }
}

/// The server's persisted queries.
pub struct PersistedQueries {
    allow_list: bool,
    /// Automatic persisted queries seen by this instance.
    cache: Mutex<HashMap<String, Arc<str>>>,
    /// Registered operations this instance has looked up (registrations are never removed).
    registered: Mutex<HashMap<String, Arc<str>>>,
}

impl PersistedQueries {
    pub fn new(allow_list: bool) -> Self {
        Self {
            allow_list,
            cache: Mutex::default(),
            registered: Mutex::default(),
        }
    }

    /// Registers every `.graphql` file of `dir` (its name without the extension names it).
    pub async fn register_dir(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<usize> {
        let mut documents = Vec::new();
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the operations folder {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "graphql") {
                let document = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                crate::graphql::limits::parse(&document).map_err(|message| {
                    anyhow::anyhow!("{} is not a GraphQL document: {message}", path.display())
                })?;
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                documents.push((name, document));
            }
        }
        let count = documents.len();
        operation::register_files(db, documents).await?;
        Ok(count)
    }

    /// The query text of a request: the one it sent, or the one its hash stands for.
    pub async fn resolve(
        &self,
        db: &DatabaseConnection,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
        principal: Option<&Principal>,
    ) -> Result<String, PersistedRefusal> {
        let hash = persisted_hash(extensions)?;
        let restricted = self.allow_list
            && !principal.is_some_and(|p| policy::allows(p, Action::RegisterOperations));
        match (query, hash) {
            // A text with no hash to check, where any text may run: nothing to hash (hashing
            // it was 4.5 % of a small query's instructions).
            (Some(query), None) if !restricted => Ok(query),
            (Some(query), hash) => {
                let actual = operation::hash(&query);
                if hash.is_some_and(|h| h != actual) {
                    return Err(PersistedRefusal::HashMismatch);
                }
                if restricted {
                    if self.registered(db, &actual).await?.is_none() {
                        return Err(PersistedRefusal::NotAllowed);
                    }
                } else if query.len() <= MAX_CACHED_BYTES {
                    self.remember(actual, &query);
                }
                Ok(query)
            }
            (None, Some(hash)) => {
                if !restricted && let Some(query) = self.cached(hash) {
                    return Ok(query.to_string());
                }
                match self.registered(db, hash).await? {
                    Some(query) => Ok(query.to_string()),
                    None if restricted => Err(PersistedRefusal::NotAllowed),
                    None => Err(PersistedRefusal::NotFound),
                }
            }
            (None, None) => Err(PersistedRefusal::NoQuery),
        }
    }

    fn cached(&self, hash: &str) -> Option<Arc<str>> {
        self.cache.lock().ok()?.get(hash).cloned()
    }

    fn remember(&self, hash: String, query: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_CAPACITY && !cache.contains_key(&hash) {
                cache.clear();
            }
            cache.insert(hash, Arc::from(query));
        }
    }

    async fn registered(
        &self,
        db: &DatabaseConnection,
        hash: &str,
    ) -> Result<Option<Arc<str>>, PersistedRefusal> {
        if let Some(found) = self
            .registered
            .lock()
            .ok()
            .and_then(|r| r.get(hash).cloned())
        {
            return Ok(Some(found));
        }
        match operation::find(db, hash).await {
            Ok(Some(document)) => {
                let document: Arc<str> = Arc::from(document);
                if let Ok(mut registered) = self.registered.lock() {
                    registered.insert(hash.to_owned(), document.clone());
                }
                Ok(Some(document))
            }
            Ok(None) => Ok(None),
            Err(DomainError::Unavailable) => Err(PersistedRefusal::Unavailable),
            Err(error) => {
                tracing::error!(error = %error, "cannot look up a registered operation");
                Err(PersistedRefusal::Unavailable)
            }
        }
    }
}

/// `extensions.persistedQuery.sha256Hash`, when the request names one.
fn persisted_hash(
    extensions: Option<&serde_json::Value>,
) -> Result<Option<&str>, PersistedRefusal> {
    let Some(persisted) = extensions.and_then(|e| e.get("persistedQuery")) else {
        return Ok(None);
    };
    let version = persisted.get("version").and_then(serde_json::Value::as_u64);
    let hash = persisted
        .get("sha256Hash")
        .and_then(serde_json::Value::as_str);
    match (version, hash) {
        (Some(1), Some(hash)) if operation::is_hash(hash) => Ok(Some(hash)),
        _ => Err(PersistedRefusal::Malformed),
    }
}
