//! The outbound client: signs in by the configured variant, keeps the token until shortly
//! before it expires, refreshes it one request at a time (callers waiting meanwhile get the
//! new one), retries a request once with a fresh token when LGSP answers 401, and maps the
//! catalogue service's error codes.

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::error::{LgspError, catalogue_error};
use super::settings::{LgspAuth, LgspSettings};

/// Lifetime assumed for a token whose answer gives none (Lạng Sơn's LGSP: 30 minutes).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// A token is renewed when less than this share of its lifetime is left (at most a minute).
const RENEW_SHARE: f64 = 0.1;
const MAX_RENEW_MARGIN: Duration = Duration::from_secs(60);
/// The most of an error body quoted in a message.
const QUOTED_BODY: usize = 200;

#[derive(Clone)]
struct Token {
    value: String,
    renew_at: Instant,
}

/// How to sign in, checked.
enum Credentials {
    ClientCredentials {
        key: String,
        secret: String,
        /// VNPT's `lgspaccesstoken` header value, when that variant is chosen.
        access_header: Option<String>,
    },
    Login {
        username: String,
        password: String,
        application_code: Option<String>,
    },
}

/// A client of the LGSP catalogue service.
pub struct LgspClient {
    http: reqwest::Client,
    base: String,
    token_path: String,
    login_path: String,
    timeout: f64,
    credentials: Credentials,
    /// The cached token; the lock is held while one is fetched (single flight).
    token: tokio::sync::Mutex<Option<Token>>,
}

fn required(value: &Option<String>, name: &str, auth: &str) -> Result<String, LgspError> {
    value
        .clone()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| LgspError::Config(format!("{auth} sign-in needs {name}")))
}

impl LgspClient {
    /// A client for the settings; refuses incomplete ones with what is missing.
    pub fn new(settings: &LgspSettings) -> Result<Self, LgspError> {
        // reqwest's TLS needs a process-wide crypto provider; ring is already in the build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = settings
            .base_url
            .clone()
            .ok_or_else(|| LgspError::Config("set APP_LGSP_BASE_URL".into()))?;
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| LgspError::Config(format!("APP_LGSP_BASE_URL is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(LgspError::Config(
                "APP_LGSP_BASE_URL must be an http(s) URL".into(),
            ));
        }
        let credentials = match settings.auth {
            LgspAuth::ClientCredentials => Credentials::ClientCredentials {
                key: required(
                    &settings.consumer_key,
                    "APP_LGSP_CONSUMER_KEY",
                    "client-credentials",
                )?,
                secret: required(
                    &settings.consumer_secret,
                    "APP_LGSP_CONSUMER_SECRET",
                    "client-credentials",
                )?,
                access_header: None,
            },
            LgspAuth::Vnpt => {
                let field = |value: &Option<String>, name| required(value, name, "vnpt");
                let access = serde_json::json!({
                    "AccessKey": field(&settings.access_key, "APP_LGSP_ACCESS_KEY")?,
                    "SecretKey": field(&settings.secret_key, "APP_LGSP_SECRET_KEY")?,
                    "AppName": field(&settings.app_name, "APP_LGSP_APP_NAME")?,
                    "PartnerCode": field(&settings.partner_code, "APP_LGSP_PARTNER_CODE")?,
                    "PartnerCodeCus": field(&settings.partner_code_cus, "APP_LGSP_PARTNER_CODE_CUS")?,
                });
                Credentials::ClientCredentials {
                    key: field(&settings.consumer_key, "APP_LGSP_CONSUMER_KEY")?,
                    secret: field(&settings.consumer_secret, "APP_LGSP_CONSUMER_SECRET")?,
                    access_header: Some(
                        base64::engine::general_purpose::STANDARD.encode(access.to_string()),
                    ),
                }
            }
            LgspAuth::Login => Credentials::Login {
                username: required(&settings.username, "APP_LGSP_USERNAME", "login")?,
                password: required(&settings.password, "APP_LGSP_PASSWORD", "login")?,
                application_code: settings.application_code.clone(),
            },
        };
        let timeout = if settings.timeout.is_finite() && settings.timeout > 0.0 {
            settings.timeout
        } else {
            30.0
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs_f64(timeout))
            .connect_timeout(Duration::from_secs_f64(timeout.min(10.0)))
            .user_agent(concat!("plans-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LgspError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token_path: settings.token_path.clone(),
            login_path: settings.login_path.clone(),
            timeout,
            credentials,
            token: tokio::sync::Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    fn sent(&self, url: &str, error: reqwest::Error) -> LgspError {
        if error.is_timeout() {
            LgspError::Timeout {
                url: url.to_owned(),
                seconds: self.timeout,
            }
        } else {
            let mut cause = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(inner) = source {
                cause = format!("{cause}: {inner}");
                source = inner.source();
            }
            LgspError::Unreachable {
                url: url.to_owned(),
                cause,
            }
        }
    }

    /// A valid token: the cached one unless it is `stale` (refused a moment ago) or near its
    /// end, else a new one. One caller fetches at a time; the others wait and take its token.
    async fn token(&self, stale: Option<&str>) -> Result<String, LgspError> {
        let mut slot = self.token.lock().await;
        if let Some(token) = slot.as_ref()
            && Some(token.value.as_str()) != stale
            && Instant::now() < token.renew_at
        {
            return Ok(token.value.clone());
        }
        *slot = None;
        let token = self.sign_in().await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    async fn sign_in(&self) -> Result<Token, LgspError> {
        let (url, request) = match &self.credentials {
            Credentials::ClientCredentials {
                key,
                secret,
                access_header,
            } => {
                let url = self.url(&self.token_path);
                let mut request = self
                    .http
                    .post(&url)
                    .basic_auth(key, Some(secret))
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body("grant_type=client_credentials");
                if let Some(header) = access_header {
                    request = request.header("lgspaccesstoken", header);
                }
                (url, request)
            }
            Credentials::Login {
                username,
                password,
                application_code,
            } => {
                let url = self.url(&self.login_path);
                let request = self.http.post(&url).json(&serde_json::json!({
                    "username": username,
                    "password": password,
                    "applicationCode": application_code,
                }));
                (url, request)
            }
        };
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.sent(&url, e))?;
        let status = response.status();
        tracing::info!(url = %url, status = status.as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "LGSP sign-in");
        let body = response.text().await.map_err(|e| self.sent(&url, e))?;
        if status.as_u16() == 401 || status.as_u16() == 403 {
            return Err(LgspError::Unauthorized(format!(
                "{url} answered HTTP {}",
                status.as_u16()
            )));
        }
        let json: Value = serde_json::from_str(&body).map_err(|_| {
            status_or_malformed(&url, status, &body, "the token answer is not JSON")
        })?;
        refused(&url, &json)?;
        if !status.is_success() {
            return Err(status_error(&url, status, &body));
        }
        let value = ["access_token", "accessToken", "token", "Token"]
            .iter()
            .find_map(|key| {
                json.get(key)
                    .or_else(|| json.get("data").and_then(|d| d.get(key)))
            })
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| LgspError::Malformed {
                url: url.to_owned(),
                what: "the token answer has no access_token".into(),
            })?
            .to_owned();
        let lifetime = ["expires_in", "expiresIn"]
            .iter()
            .find_map(|key| {
                json.get(key)
                    .or_else(|| json.get("data").and_then(|d| d.get(key)))
            })
            .and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_LIFETIME);
        let margin = lifetime.mul_f64(RENEW_SHARE).min(MAX_RENEW_MARGIN);
        Ok(Token {
            value,
            renew_at: started + lifetime - margin,
        })
    }

    /// `GET {base}/{path}` as JSON, signed in; once more with a fresh token after a 401.
    pub async fn get_json(&self, path: &str) -> Result<Value, LgspError> {
        let url = self.url(path);
        let token = self.token(None).await?;
        let (status, body) = self.get(&url, &token).await?;
        let (status, body) = if status == 401 {
            let fresh = self.token(Some(&token)).await?;
            let (status, body) = self.get(&url, &fresh).await?;
            if status == 401 {
                return Err(LgspError::Unauthorized(format!(
                    "{url} refused a fresh token too (HTTP 401)"
                )));
            }
            (status, body)
        } else {
            (status, body)
        };
        let status =
            reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::BAD_GATEWAY);
        let json: Value = serde_json::from_str(&body)
            .map_err(|_| status_or_malformed(&url, status, &body, "the answer is not JSON"))?;
        refused(&url, &json)?;
        if !status.is_success() {
            return Err(status_error(&url, status, &body));
        }
        Ok(json)
    }

    async fn get(&self, url: &str, token: &str) -> Result<(u16, String), LgspError> {
        let mut request = self.http.get(url).bearer_auth(token);
        if let Credentials::ClientCredentials {
            access_header: Some(header),
            ..
        } = &self.credentials
        {
            request = request.header("lgspaccesstoken", header);
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.sent(url, e))?;
        let status = response.status().as_u16();
        tracing::info!(url = %url, status, elapsed_ms = started.elapsed().as_millis() as u64, "LGSP request");
        let body = response.text().await.map_err(|e| self.sent(url, e))?;
        Ok((status, body))
    }
}

fn quote(body: &str) -> String {
    let mut quoted: String = body.chars().take(QUOTED_BODY).collect();
    if body.chars().count() > QUOTED_BODY {
        quoted.push('…');
    }
    quoted
}

fn status_error(url: &str, status: reqwest::StatusCode, body: &str) -> LgspError {
    LgspError::Status {
        url: url.to_owned(),
        status: status.as_u16(),
        body: quote(body),
    }
}

fn status_or_malformed(
    url: &str,
    status: reqwest::StatusCode,
    body: &str,
    what: &str,
) -> LgspError {
    if status.is_success() {
        LgspError::Malformed {
            url: url.to_owned(),
            what: what.into(),
        }
    } else {
        status_error(url, status, body)
    }
}

/// An answer carrying one of the catalogue service's error codes (`{"ErrorCode": 101, …}`).
fn refused(url: &str, json: &Value) -> Result<(), LgspError> {
    let Some(object) = json.as_object() else {
        return Ok(());
    };
    let code = ["ErrorCode", "errorCode", "Code", "code", "MaLoi"]
        .iter()
        .filter_map(|key| object.get(*key))
        .find_map(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        });
    match code.and_then(|code| catalogue_error(code).map(|known| (code, known))) {
        Some((code, (name, meaning))) => Err(LgspError::Refused {
            url: url.to_owned(),
            code,
            name: name.into(),
            meaning,
        }),
        None => Ok(()),
    }
}
