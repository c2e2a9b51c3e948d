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
pub struct DocumentCache(Mutex<HashMap<String, ExecutableDocument>>);

impl DocumentCache {
    /// Gives `request` its parsed document, from the cache or parsed now (and kept).
    pub fn prepare(&self, request: &mut Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        let cached = match self.0.lock() {
            Ok(documents) => documents.get(&request.query).cloned(),
            Err(_) => return,
        };
        if let Some(document) = cached {
            request.set_parsed_query(document);
            return;
        }
        let Ok(document) = request.parsed_query().cloned() else {
            return;
        };
        if let Ok(mut documents) = self.0.lock() {
            if documents.len() >= CAPACITY {
                documents.clear();
            }
            documents.insert(request.query.clone(), document);
        }
    }
}
