//! Token verification and minting.
//!
//! Each verifier accepts only the algorithms it is configured for (HS256 for the shared secret,
//! RS256/ES256 for keys from a JWKS), so `alg: none` and HS/RS confusion are refused. Checks:
//! signature, `exp`, `nbf`, `iss`, `aud`, with a small clock leeway.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use anyhow::Context as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};

use super::principal::{Principal, Role};
use super::verified::{Verified, VerifiedTokens};

/// Why a token was refused. Every variant is reported as `UNAUTHENTICATED`.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued for another audience")]
    WrongAudience,
    #[error("the token was issued by an unknown issuer")]
    WrongIssuer,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token names a signing key this server does not know")]
    UnknownKey,
    #[error("the token's algorithm is not accepted here")]
    WrongAlgorithm,
    #[error("the token is malformed: {0}")]
    Malformed(String),
    #[error("the Authorization header must be `Bearer <token>`")]
    BadHeader,
}

fn classify(error: &jsonwebtoken::errors::Error) -> AuthError {
    match error.kind() {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => AuthError::WrongAlgorithm,
        ErrorKind::MissingRequiredClaim(claim) => {
            AuthError::Malformed(format!("missing `{claim}`"))
        }
        _ => AuthError::Malformed(error.to_string()),
    }
}

/// Where a JWKS comes from.
#[derive(Debug, Clone)]
pub enum JwksSource {
    File(PathBuf),
    Url(String),
}

impl JwksSource {
    /// A URL when it looks like one, a file path otherwise.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("http://") || text.starts_with("https://") {
            Self::Url(text.to_owned())
        } else {
            Self::File(PathBuf::from(text))
        }
    }
}

/// A JWKS refetched at most this often when tokens name unknown keys (rotation), so random
/// `kid`s cannot make the server hammer the identity provider.
const JWKS_REFRESH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

type KeyMap = HashMap<String, (DecodingKey, Algorithm)>;

/// Signing keys from a JWKS, by `kid`; read again when a token names an unknown `kid`.
struct JwksKeys {
    source: JwksSource,
    client: Option<reqwest::Client>,
    keys: RwLock<KeyMap>,
    refreshed: std::sync::Mutex<Option<std::time::Instant>>,
}

fn parse_jwks(text: &str) -> anyhow::Result<KeyMap> {
    let set: JwkSet = serde_json::from_str(text).context("not a JWKS")?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        let algorithm = match &jwk.algorithm {
            jsonwebtoken::jwk::AlgorithmParameters::RSA(_) => Algorithm::RS256,
            jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_) => Algorithm::ES256,
            _ => continue,
        };
        keys.insert(kid, (DecodingKey::from_jwk(jwk)?, algorithm));
    }
    Ok(keys)
}

impl JwksKeys {
    async fn load(source: JwksSource) -> anyhow::Result<Self> {
        let client = match &source {
            JwksSource::Url(_) => Some(
                reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(10))
                    .build()
                    .context("cannot build the JWKS client")?,
            ),
            JwksSource::File(_) => None,
        };
        let jwks = Self {
            source,
            client,
            keys: RwLock::new(HashMap::new()),
            refreshed: std::sync::Mutex::new(None),
        };
        match (jwks.fetch().await, &jwks.source) {
            (Ok(keys), _) => {
                if let Ok(mut slot) = jwks.keys.write() {
                    *slot = keys;
                }
            }
            // A file is ours to get right: fail fast. A URL may be down for a moment.
            (Err(error), JwksSource::File(_)) => return Err(error),
            (Err(error), JwksSource::Url(url)) => {
                tracing::warn!(%url, error = %error, "cannot fetch the JWKS yet; will retry on the first token")
            }
        }
        Ok(jwks)
    }

    async fn fetch(&self) -> anyhow::Result<KeyMap> {
        let text = match (&self.source, &self.client) {
            (JwksSource::File(path), _) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read JWKS {}", path.display()))?,
            (JwksSource::Url(url), Some(client)) => {
                client
                    .get(url)
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .with_context(|| format!("cannot fetch JWKS {url}"))?
                    .text()
                    .await?
            }
            (JwksSource::Url(url), None) => anyhow::bail!("no HTTP client for {url}"),
        };
        parse_jwks(&text)
    }

    fn cached(&self, kid: &str) -> Option<(DecodingKey, Algorithm)> {
        self.keys.read().ok().and_then(|k| k.get(kid).cloned())
    }

    async fn get(&self, kid: &str) -> Option<(DecodingKey, Algorithm)> {
        if let Some(found) = self.cached(kid) {
            return Some(found);
        }
        {
            let Ok(mut refreshed) = self.refreshed.lock() else {
                return None;
            };
            if refreshed.is_some_and(|at| at.elapsed() < JWKS_REFRESH_INTERVAL) {
                return None;
            }
            *refreshed = Some(std::time::Instant::now());
        }
        match self.fetch().await {
            Ok(fresh) => {
                let found = fresh.get(kid).cloned();
                if let Ok(mut keys) = self.keys.write() {
                    *keys = fresh;
                }
                found
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot reload the JWKS");
                None
            }
        }
    }
}

/// Which claims carry what (gateways differ).
#[derive(Debug, Clone)]
pub struct ClaimNames {
    pub subject: Vec<String>,
    pub name: String,
    pub unit: String,
    pub roles: String,
    pub client: String,
}

impl ClaimNames {
    fn bearer() -> Self {
        Self {
            subject: vec!["sub".into()],
            name: "name".into(),
            unit: "unit".into(),
            roles: "roles".into(),
            client: "azp".into(),
        }
    }

    fn wso2() -> Self {
        Self {
            subject: vec!["http://wso2.org/claims/enduser".into(), "sub".into()],
            name: "http://wso2.org/claims/fullname".into(),
            unit: "http://wso2.org/claims/organization".into(),
            roles: "http://wso2.org/claims/role".into(),
            client: "http://wso2.org/claims/applicationid".into(),
        }
    }
}

/// One way of verifying tokens.
struct Verifier {
    secret: Option<DecodingKey>,
    jwks: Option<JwksKeys>,
    issuer: String,
    audience: Option<String>,
    claims: ClaimNames,
    /// Tokens this verifier accepted, by their text.
    verified: VerifiedTokens,
}

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

impl Verifier {
    fn new(
        secret: Option<DecodingKey>,
        jwks: Option<JwksKeys>,
        issuer: String,
        audience: Option<String>,
        claims: ClaimNames,
    ) -> Self {
        Self {
            secret,
            jwks,
            issuer,
            audience,
            claims,
            verified: VerifiedTokens::default(),
        }
    }

    /// The token's caller: from the tokens already verified when it is one (held to its `exp`
    /// and `nbf` again), else verified in full and kept.
    async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let now = jsonwebtoken::get_current_timestamp() as i64;
        let leeway = LEEWAY_SECONDS as i64;
        if let Some(known) = self.verified.get(token) {
            known.check(now, leeway)?;
            return Ok(known.principal);
        }
        let verified = self.verify_in_full(token).await?;
        let principal = verified.principal.clone();
        self.verified.insert(token, verified, now, leeway);
        Ok(principal)
    }

    async fn verify_in_full(&self, token: &str) -> Result<Verified, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| classify(&e))?;
        let key = match header.alg {
            Algorithm::HS256 => self.secret.clone().ok_or(AuthError::WrongAlgorithm)?,
            Algorithm::RS256 | Algorithm::ES256 => {
                let jwks = self.jwks.as_ref().ok_or(AuthError::WrongAlgorithm)?;
                let kid = header.kid.as_deref().ok_or(AuthError::UnknownKey)?;
                let (key, algorithm) = jwks.get(kid).await.ok_or(AuthError::UnknownKey)?;
                if algorithm != header.alg {
                    return Err(AuthError::WrongAlgorithm);
                }
                key
            }
            _ => return Err(AuthError::WrongAlgorithm),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.set_required_spec_claims(&["exp", "iss", "aud"]);
            }
            None => {
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "iss"]);
            }
        }
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| classify(&e))?;
        // Whole seconds here: `decode` refuses a token whose `exp` or `nbf` is not.
        let seconds = |name: &str| {
            data.claims
                .get(name)
                .and_then(Value::as_u64)
                .and_then(|s| i64::try_from(s).ok())
        };
        Ok(Verified {
            principal: principal_from(&data.claims, &self.claims)?,
            expires: seconds("exp").ok_or_else(|| AuthError::Malformed("missing `exp`".into()))?,
            not_before: seconds("nbf"),
        })
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(text)) => text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn principal_from(claims: &Map<String, Value>, names: &ClaimNames) -> Result<Principal, AuthError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let subject = names
        .subject
        .iter()
        .find_map(|name| text(name))
        .ok_or_else(|| AuthError::Malformed("missing the subject claim".into()))?;
    let mut roles: Vec<Role> = strings(claims.get(&names.roles))
        .iter()
        // WSO2 prefixes internal roles ("Internal/…", "Application/…").
        .filter_map(|r| Role::parse(r.rsplit('/').next().unwrap_or(r)))
        .collect();
    roles.dedup();
    let mut scopes = strings(claims.get("scope"));
    scopes.extend(strings(claims.get("scp")));
    Ok(Principal {
        subject,
        display_name: text(&names.name),
        unit_code: text(&names.unit),
        unit_id: None,
        roles,
        scopes,
        client_id: text(&names.client),
        closed_unit: None,
        subtree: None,
    })
}

/// Verifies the credentials of a request.
pub struct Authenticator {
    bearer: Option<Verifier>,
    gateway: Option<Verifier>,
    gateway_header: String,
}

/// Where the verifiers come from.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    pub secret: Option<String>,
    pub jwks: Option<JwksSource>,
    pub issuer: String,
    pub audience: String,
    pub gateway_jwks: Option<JwksSource>,
    pub gateway_header: String,
    pub gateway_issuer: String,
    /// Expected `aud` of the gateway's JWT (`None`: not checked).
    pub gateway_audience: Option<String>,
}

impl Authenticator {
    /// Builds the verifiers; fails when a configured key file cannot be read.
    pub async fn new(config: &AuthConfig) -> anyhow::Result<Self> {
        // reqwest's TLS needs a process-wide crypto provider; ring is already in the build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let jwks = match &config.jwks {
            Some(source) => Some(JwksKeys::load(source.clone()).await?),
            None => None,
        };
        let bearer = if config.secret.is_some() || jwks.is_some() {
            Some(Verifier::new(
                config
                    .secret
                    .as_ref()
                    .map(|s| DecodingKey::from_secret(s.as_bytes())),
                jwks,
                config.issuer.clone(),
                Some(config.audience.clone()),
                ClaimNames::bearer(),
            ))
        } else {
            None
        };
        let gateway = match &config.gateway_jwks {
            Some(source) => Some(Verifier::new(
                None,
                Some(JwksKeys::load(source.clone()).await?),
                config.gateway_issuer.clone(),
                // WSO2 backend JWTs carry no audience by default; checked when configured.
                config.gateway_audience.clone(),
                ClaimNames::wso2(),
            )),
            None => None,
        };
        Ok(Self {
            bearer,
            gateway,
            gateway_header: config.gateway_header.to_ascii_lowercase(),
        })
    }

    /// Whether any verifier is configured.
    pub fn is_configured(&self) -> bool {
        self.bearer.is_some() || self.gateway.is_some()
    }

    /// The caller of a request: `Ok(None)` when it sends no credentials. `header` gives a
    /// request header's raw value by its lower-case name (the HTTP layer owns the headers).
    pub async fn authenticate<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h [u8]>,
    ) -> Result<Option<Principal>, AuthError> {
        let text = |value: &'h [u8]| std::str::from_utf8(value).map_err(|_| AuthError::BadHeader);
        if let Some(gateway) = &self.gateway
            && let Some(value) = header(&self.gateway_header)
        {
            return gateway.verify(text(value)?.trim()).await.map(Some);
        }
        let Some(value) = header("authorization") else {
            return Ok(None);
        };
        let value = text(value)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(AuthError::BadHeader)?;
        match &self.bearer {
            Some(verifier) => verifier.verify(token.trim()).await.map(Some),
            None => Err(AuthError::WrongAlgorithm),
        }
    }
}

/// Claims of a development token.
pub struct DevToken<'a> {
    pub subject: &'a str,
    pub name: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub roles: &'a [Role],
    pub ttl_seconds: i64,
}

/// Mints an HS256 token for the configured secret (the `api token` command and tests).
pub fn mint(
    secret: &str,
    issuer: &str,
    audience: &str,
    token: &DevToken<'_>,
) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "sub": token.subject,
        "name": token.name,
        "unit": token.unit,
        "roles": token.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + token.ttl_seconds,
    });
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

/// The development secret kept beside the embedded database, created on first use, so that
/// `api token` and the server agree without any set-up.
pub fn dev_secret(data_dir: &Path) -> anyhow::Result<String> {
    use anyhow::Context as _;
    if let Some(secret) = read_dev_secret(data_dir) {
        return Ok(secret);
    }
    let path = dev_secret_path(data_dir);
    std::fs::create_dir_all(data_dir).with_context(|| {
        format!(
            "cannot create the data folder {} (for the development token secret): choose another with --data-dir or APP_DATA_DIR, or set APP_JWT_SECRET",
            data_dir.display()
        )
    })?;
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write as _;
    options
        .open(&path)
        .and_then(|mut file| file.write_all(secret.as_bytes()))
        .with_context(|| {
            format!(
                "cannot write the development token secret to {}: choose a writable --data-dir (APP_DATA_DIR), or set APP_JWT_SECRET",
                path.display()
            )
        })?;
    Ok(secret)
}

/// Where the development secret of `data_dir` is kept.
pub fn dev_secret_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("dev-jwt-secret")
}

/// The development secret of `data_dir`, if one was made.
pub fn read_dev_secret(data_dir: &Path) -> Option<String> {
    let secret = std::fs::read_to_string(dev_secret_path(data_dir)).ok()?;
    let secret = secret.trim().to_owned();
    (secret.len() >= 32).then_some(secret)
}

/// A lifetime such as `3600`, `90s`, `15m`, `1h` or `7d`, in seconds.
pub fn parse_ttl(text: &str) -> Option<i64> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().ok()?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    number.checked_mul(factor).filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(parse_ttl("1h"), Some(3600));
        assert_eq!(parse_ttl("90"), Some(90));
        assert_eq!(parse_ttl("15m"), Some(900));
        assert_eq!(parse_ttl("0s"), None);
        assert_eq!(parse_ttl("1y"), None);
        assert_eq!(parse_ttl("h"), None);
    }

    #[actix_web::test]
    async fn minted_tokens_verify_and_map_to_a_principal() {
        let config = AuthConfig {
            secret: Some("s".repeat(32)),
            issuer: "iss".into(),
            audience: "aud".into(),
            ..AuthConfig::default()
        };
        let auth = Authenticator::new(&config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = mint(
            &"s".repeat(32),
            "iss",
            "aud",
            &DevToken {
                subject: "an",
                name: Some("An"),
                unit: Some("H34.20"),
                roles: &[Role::UnitAdmin],
                ttl_seconds: 60,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let bearer = format!("Bearer {token}");
        let principal = auth
            .authenticate(|name| (name == "authorization").then_some(bearer.as_bytes()))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("a principal"));
        assert_eq!(principal.subject, "an");
        assert_eq!(principal.unit_code.as_deref(), Some("H34.20"));
        assert_eq!(principal.roles, vec![Role::UnitAdmin]);
    }
}
