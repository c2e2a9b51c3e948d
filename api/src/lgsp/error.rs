//! What can go wrong talking to LGSP, each in a sentence an operator can act on. Secrets never
//! appear: messages name URLs, statuses and LGSP's own codes.

/// An LGSP call that failed.
#[derive(Debug, thiserror::Error)]
pub enum LgspError {
    /// The settings are incomplete for the chosen sign-in.
    #[error("LGSP is not configured: {0}")]
    Config(String),
    /// No answer (connection refused, DNS, TLS).
    #[error("cannot reach LGSP at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    /// No answer in time.
    #[error("LGSP did not answer {url} within {seconds} s")]
    Timeout { url: String, seconds: f64 },
    /// Sign-in refused (bad credentials, or a fresh token refused too).
    #[error("LGSP did not accept the credentials: {0}")]
    Unauthorized(String),
    /// One of the catalogue service's error codes.
    #[error("LGSP refused {url} with error {code} {name}: {meaning}")]
    Refused {
        url: String,
        code: i64,
        name: String,
        meaning: &'static str,
    },
    /// Another HTTP failure.
    #[error("LGSP answered {url} with HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    /// An answer that is not what the catalogue service sends.
    #[error("LGSP's answer to {url} is malformed: {what}")]
    Malformed { url: String, what: String },
}

/// The catalogue service's error codes (Quảng Bình's NGSP connection guide; `domain.md` §(e) 8).
pub fn catalogue_error(code: i64) -> Option<(&'static str, &'static str)> {
    Some(match code {
        100 => (
            "AUTHEN_ERROR",
            "authentication failed: check the consumer key and secret (or the access token)",
        ),
        101 => (
            "IP_DISALLOWED",
            "this server's IP address is not registered with LGSP: ask the operator to allow it",
        ),
        106 => (
            "AGENCY_ID_INCORRECT",
            "the agency code sent is not registered with LGSP",
        ),
        108 => (
            "PROVINCE_ID_INCORRECT",
            "the province code sent is not registered with LGSP",
        ),
        500 => ("DATA_INCORRECT", "LGSP found the request's data incorrect"),
        _ => return None,
    })
}
