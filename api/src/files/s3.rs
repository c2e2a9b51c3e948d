//! An S3-compatible object store (AWS S3, MinIO, Ceph RGW, a provincial data centre's object
//! storage): path-style requests (`{endpoint}/{bucket}/{key}`, which every compatible store
//! accepts) signed with AWS Signature Version 4. Two requests only: `PUT` an object (the same
//! content twice is the same key: idempotent) and `GET` it. The secret key never leaves this
//! module: it is not logged and `Debug` hides it.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How long one request to the store may take.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The SHA-256 of nothing (a `GET`'s payload).
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A bucket of an S3-compatible store.
#[derive(Clone)]
pub struct S3Store {
    /// `scheme://host[:port]`, without a trailing slash.
    endpoint: String,
    /// `host[:port]` as the `Host` header carries it (and the signature covers it).
    host: String,
    bucket: String,
    region: String,
    access_key: String,
    secret_key: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<hidden>")
            .finish()
    }
}

impl S3Store {
    /// A store at `endpoint` (`http(s)://host[:port]`); fails on an endpoint that is not one, or
    /// a bucket name S3 would refuse.
    pub fn new(
        endpoint: &str,
        bucket: &str,
        region: &str,
        access_key: &str,
        secret_key: &str,
    ) -> anyhow::Result<Self> {
        let endpoint = endpoint.trim_end_matches('/');
        let url = reqwest::Url::parse(endpoint)
            .map_err(|e| anyhow::anyhow!("the S3 endpoint {endpoint:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.path() != "/" || url.query().is_some() {
            anyhow::bail!("the S3 endpoint is `http(s)://host[:port]`, not {endpoint:?}");
        }
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => anyhow::bail!("the S3 endpoint {endpoint:?} names no host"),
        };
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            anyhow::bail!(
                "the S3 bucket {bucket:?} is 3 to 63 lowercase letters, digits, dots and hyphens"
            );
        }
        if access_key.is_empty() || secret_key.is_empty() {
            anyhow::bail!("the S3 store needs an access key and a secret key");
        }
        // reqwest's TLS needs a process-wide crypto provider; ring is already in the build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Self {
            endpoint: endpoint.to_owned(),
            host,
            bucket: bucket.to_owned(),
            region: region.to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            client,
        })
    }

    fn path(&self, key: &str) -> String {
        // Keys are `<hex>/<hex>`: nothing to escape.
        format!("/{}/{key}", self.bucket)
    }

    /// Stores `bytes` (whose SHA-256 is `sha256`) under `key`.
    pub async fn put(&self, key: &str, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key);
        let headers = self.sign("PUT", &path, sha256, Utc::now());
        let mut request = self
            .client
            .put(format!("{}{path}", self.endpoint))
            .body(bytes.to_vec());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(std::io::Error::other)?;
        match response.status() {
            status if status.is_success() => Ok(()),
            status => Err(std::io::Error::other(format!(
                "the S3 store refused to keep a file: HTTP {status}"
            ))),
        }
    }

    /// The object under `key`, if any.
    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        let path = self.path(key);
        let headers = self.sign("GET", &path, EMPTY_SHA256, Utc::now());
        let mut request = self.client.get(format!("{}{path}", self.endpoint));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(std::io::Error::other)?;
        match response.status() {
            reqwest::StatusCode::NOT_FOUND => Ok(None),
            status if status.is_success() => Ok(Some(
                response
                    .bytes()
                    .await
                    .map_err(std::io::Error::other)?
                    .to_vec(),
            )),
            status => Err(std::io::Error::other(format!(
                "the S3 store refused to give a file: HTTP {status}"
            ))),
        }
    }

    /// The headers of a signed request (`Authorization`, `x-amz-date`,
    /// `x-amz-content-sha256`).
    fn sign(
        &self,
        method: &str,
        path: &str,
        payload_sha256: &str,
        now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)> {
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let request = Request {
            method,
            path,
            query: "",
            headers: vec![
                ("host", self.host.clone()),
                ("x-amz-content-sha256", payload_sha256.to_owned()),
                ("x-amz-date", amz_date.clone()),
            ],
            payload_sha256,
        };
        let authorization = authorization(
            &request,
            &Credentials {
                access_key: &self.access_key,
                secret_key: &self.secret_key,
                region: &self.region,
                service: "s3",
            },
            now,
        );
        vec![
            ("authorization", authorization),
            ("x-amz-date", amz_date),
            ("x-amz-content-sha256", payload_sha256.to_owned()),
        ]
    }
}

/// What Signature Version 4 signs of a request.
pub struct Request<'a> {
    pub method: &'a str,
    /// The URI-encoded path.
    pub path: &'a str,
    /// The canonical query string (sorted, encoded; empty for none).
    pub query: &'a str,
    /// The signed headers: lowercase names, trimmed values.
    pub headers: Vec<(&'a str, String)>,
    pub payload_sha256: &'a str,
}

/// Who signs, for which region and service.
pub struct Credentials<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// The `Authorization` header of `request` signed at `now` (AWS Signature Version 4).
pub fn authorization(
    request: &Request<'_>,
    credentials: &Credentials<'_>,
    now: DateTime<Utc>,
) -> String {
    let mut headers = request.headers.clone();
    headers.sort_by(|a, b| a.0.cmp(b.0));
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method, request.path, request.query, request.payload_sha256
    );
    let date = now.format("%Y%m%d").to_string();
    let scope = format!(
        "{date}/{}/{}/aws4_request",
        credentials.region, credentials.service
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        now.format("%Y%m%dT%H%M%SZ"),
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = [
        date.as_str(),
        credentials.region,
        credentials.service,
        "aws4_request",
    ]
    .iter()
    .fold(
        format!("AWS4{}", credentials.secret_key).into_bytes(),
        |key, part| hmac(&key, part.as_bytes()),
    );
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key
    )
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// AWS's worked example of a signed `GET` (Amazon S3 API reference, "Signature Calculations
    /// for the Authorization Header: Transferring Payload in a Single Chunk", GET Object).
    #[test]
    fn signs_the_documented_get_object_example() {
        let now = Utc.with_ymd_and_hms(2013, 5, 24, 0, 0, 0).single();
        let Some(now) = now else {
            panic!("a valid date");
        };
        let request = Request {
            method: "GET",
            path: "/test.txt",
            query: "",
            headers: vec![
                ("x-amz-date", "20130524T000000Z".into()),
                ("range", "bytes=0-9".into()),
                ("host", "examplebucket.s3.amazonaws.com".into()),
                ("x-amz-content-sha256", EMPTY_SHA256.into()),
            ],
            payload_sha256: EMPTY_SHA256,
        };
        let credentials = Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "s3",
        };
        assert_eq!(
            authorization(&request, &credentials, now),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn refuses_endpoints_and_buckets_s3_would_not_take() {
        let store =
            |endpoint: &str, bucket: &str| S3Store::new(endpoint, bucket, "us-east-1", "k", "s");
        assert!(store("http://127.0.0.1:9000", "ho-so-khen-thuong").is_ok());
        assert!(store("ftp://127.0.0.1", "bucket").is_err());
        assert!(store("http://127.0.0.1:9000/prefix", "bucket").is_err());
        assert!(store("http://127.0.0.1:9000", "Hồ sơ").is_err());
        assert!(store("http://127.0.0.1:9000", "ab").is_err());
        assert!(S3Store::new("http://127.0.0.1:9000", "bucket", "us-east-1", "", "").is_err());
        let debug = format!(
            "{:?}",
            S3Store::new(
                "http://127.0.0.1:9000",
                "bucket",
                "us-east-1",
                "key",
                "very-secret"
            )
        );
        assert!(!debug.contains("very-secret"), "{debug}");
    }
}
