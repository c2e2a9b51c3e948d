//! Tokens already verified, by their text.
//!
//! An integration sends the same bearer token with every request until it expires. Verifying it
//! (the header, the signature, the claims as JSON) cost 64 000 instructions a request, 7 % of
//! an audit log page (callgrind, twenty-first session); looking it up here costs a hash of its
//! text. Only tokens that verified are kept, so a flood of bad tokens is verified every time as
//! before and cannot fill the cache. A kept token is held to its `exp` and `nbf` with the same
//! leeway on every request, and is verified in full again at least every [`MAX_AGE`]: what a
//! full verification would now refuse (a key gone from a reloaded JWKS) is refused within it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::principal::Principal;
use super::token::AuthError;

/// How long a verified token is trusted before it is verified again.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// How many tokens are kept; past it, the expired ones go, and if none has, all of them.
const CAPACITY: usize = 4_096;

/// What a verified token stated, with its validity.
#[derive(Debug, Clone)]
pub struct Verified {
    pub principal: Principal,
    /// `exp`, in seconds since the epoch.
    pub expires: i64,
    /// `nbf`, when the token has one.
    pub not_before: Option<i64>,
}

impl Verified {
    /// Whether the token holds at `now` (seconds since the epoch) with `leeway` seconds of
    /// clock skew, as `jsonwebtoken` judges `exp` and `nbf`.
    pub fn check(&self, now: i64, leeway: i64) -> Result<(), AuthError> {
        if self.expires < now - leeway {
            return Err(AuthError::Expired);
        }
        if self.not_before.is_some_and(|nbf| nbf > now + leeway) {
            return Err(AuthError::NotYetValid);
        }
        Ok(())
    }
}

struct Entry {
    verified: Verified,
    at: Instant,
}

/// Verified tokens of one verifier.
#[derive(Default)]
pub struct VerifiedTokens {
    entries: Mutex<HashMap<Box<str>, Entry>>,
}

impl VerifiedTokens {
    /// The token's claims when it was verified less than [`MAX_AGE`] ago.
    pub fn get(&self, token: &str) -> Option<Verified> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(token)?;
        (entry.at.elapsed() < MAX_AGE).then(|| entry.verified.clone())
    }

    /// Keeps a token that verified.
    pub fn insert(&self, token: &str, verified: Verified, now: i64, leeway: i64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY && !entries.contains_key(token) {
            entries.retain(|_, entry| {
                entry.at.elapsed() < MAX_AGE && entry.verified.check(now, leeway).is_ok()
            });
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            token.into(),
            Entry {
                verified,
                at: Instant::now(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(expires: i64, not_before: Option<i64>) -> Verified {
        Verified {
            principal: Principal {
                subject: "someone".into(),
                display_name: None,
                unit_code: None,
                unit_id: None,
                roles: Vec::new(),
                scopes: Vec::new(),
                client_id: None,
                closed_unit: None,
                subtree: None,
            },
            expires,
            not_before,
        }
    }

    #[test]
    fn validity_is_judged_as_jsonwebtoken_judges_it() {
        // `exp` may lie up to the leeway in the past, `nbf` up to the leeway in the future.
        assert_eq!(verified(970, None).check(1_000, 30), Ok(()));
        assert_eq!(
            verified(969, None).check(1_000, 30),
            Err(AuthError::Expired)
        );
        assert_eq!(verified(2_000, Some(1_030)).check(1_000, 30), Ok(()));
        assert_eq!(
            verified(2_000, Some(1_031)).check(1_000, 30),
            Err(AuthError::NotYetValid)
        );
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let tokens = VerifiedTokens::default();
        for n in 0..CAPACITY + 10 {
            tokens.insert(&format!("token-{n}"), verified(2_000, None), 1_000, 30);
        }
        let kept = tokens.entries.lock().map(|e| e.len()).unwrap_or_default();
        assert!(kept <= CAPACITY, "{kept} tokens kept");
        assert!(tokens.get(&format!("token-{}", CAPACITY + 9)).is_some());
        // Tokens that no longer hold go first.
        let tokens = VerifiedTokens::default();
        tokens.insert("old", verified(100, None), 1_000, 30);
        for n in 1..CAPACITY {
            tokens.insert(&format!("token-{n}"), verified(2_000, None), 1_000, 30);
        }
        tokens.insert("new", verified(2_000, None), 1_000, 30);
        assert!(tokens.get("old").is_none());
        assert!(tokens.get("token-1").is_some());
        assert!(tokens.get("new").is_some());
    }
}
