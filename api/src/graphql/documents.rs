//! Parsed query documents, kept by query text: a dashboard sends the same few queries all day,
//! and parsing one (async-graphql's pest parser) cost more than cloning the parsed document.
//! Only documents that parsed are kept; errors are reported by the normal path every time.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;

/// Most documents kept; when full, the cache starts again empty (queries are few in practice,
/// so this only bounds memory against clients sending endless distinct queries).
const CAPACITY: usize = 512;
/// Longer queries are not kept.
const MAX_QUERY_BYTES: usize = 16 * 1024;

/// Shared by every worker of one server.
#[derive(Default)]
pub struct DocumentCache(Mutex<HashMap<String, Kept>>);

/// A parsed document, and whether it has passed async-graphql's validation.
struct Kept {
    document: ExecutableDocument,
    validated: bool,
}

impl DocumentCache {
    /// Gives `request` its parsed document, from the cache or parsed now (and kept); tells
    /// whether the kept document has validated before (see [`DocumentCache::validated`]), or
    /// `None` when it is not kept (too long, or not parsed).
    pub fn prepare(&self, request: &mut Request) -> Option<bool> {
        if request.query.len() > MAX_QUERY_BYTES {
            return None;
        }
        let cached = self
            .0
            .lock()
            .ok()?
            .get(&request.query)
            .map(|kept| (kept.document.clone(), kept.validated));
        if let Some((document, validated)) = cached {
            request.set_parsed_query(document);
            return Some(validated);
        }
        let document = request.parsed_query().ok()?.clone();
        let mut documents = self.0.lock().ok()?;
        if documents.len() >= CAPACITY {
            documents.clear();
        }
        let kept = Kept {
            document,
            validated: false,
        };
        documents.insert(request.query.clone(), kept);
        Some(false)
    }

    /// Notes that `query` passed async-graphql's full validation (a response with data).
    pub fn validated(&self, query: &str) {
        if let Ok(mut documents) = self.0.lock()
            && let Some(kept) = documents.get_mut(query)
        {
            kept.validated = true;
        }
    }
}
