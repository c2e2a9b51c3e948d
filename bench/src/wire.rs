//! The load's HTTP client: HTTP/1.1 over one kept-alive TCP connection per simulated client,
//! each request's bytes written once before the load starts, each response read by its
//! `Content-Length`.
//!
//! The driver shares the two cores with the server and PostgreSQL, so what it spends is taken
//! from the API's throughput, while pgbench (C, no HTTP) spends about 9 µs per statement. A
//! profile of the driver with reqwest during Q11 (tenth machine of 2026-12-05, eleventh
//! session) put about 12 µs per request in hyper and reqwest alone and about 24 µs in all;
//! this client does no more than the load needs: write the request, read the status, the
//! headers and the body.

use std::io;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A request ready to send: `POST /graphql` with its JSON body and, when given, a bearer.
pub fn post_graphql(address: &str, bearer: Option<&str>, body: &[u8]) -> Vec<u8> {
    let host = host_of(address);
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(token) = bearer {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// `host:port` of an `http://host:port` address.
fn host_of(address: &str) -> &str {
    address
        .strip_prefix("http://")
        .unwrap_or(address)
        .trim_end_matches('/')
}

/// One client's connection, opened on first use and again after the server closed it.
pub struct Wire {
    host: String,
    stream: Option<TcpStream>,
    buffer: Vec<u8>,
}

/// A response: its status and body.
pub struct Answer<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

/// Longest response head accepted.
const MAX_HEAD: usize = 16 * 1024;

impl Wire {
    pub fn new(address: &str) -> Self {
        Self {
            host: host_of(address).to_owned(),
            stream: None,
            buffer: Vec::with_capacity(64 * 1024),
        }
    }

    /// Sends `request` (from [`post_graphql`]) and reads its response. On any error the
    /// connection is dropped, and the next request opens another.
    pub async fn send(&mut self, request: &[u8]) -> io::Result<Answer<'_>> {
        match self.exchange(request).await {
            Ok((status, body)) => Ok(Answer {
                status,
                body: &self.buffer[body],
            }),
            Err(error) => {
                self.stream = None;
                Err(error)
            }
        }
    }

    /// The status and where the body lies in the buffer.
    async fn exchange(&mut self, request: &[u8]) -> io::Result<(u16, std::ops::Range<usize>)> {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => {
                let stream = TcpStream::connect(&self.host).await?;
                stream.set_nodelay(true)?;
                self.stream.insert(stream)
            }
        };
        stream.write_all(request).await?;
        self.buffer.clear();
        // The head.
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(invalid("response head too long"));
            }
            read_more(stream, &mut self.buffer).await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end])
            .map_err(|_| invalid("response head not UTF-8"))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| invalid("no status"))?;
        let mut length = None;
        let mut close = false;
        for line in head.split("\r\n").skip(1) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(invalid("chunked responses are not expected from the API"));
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
            {
                close = true;
            }
        }
        let length = length.ok_or_else(|| invalid("no Content-Length"))?;
        while self.buffer.len() < head_end + length {
            read_more(stream, &mut self.buffer).await?;
        }
        if close {
            self.stream = None;
        }
        Ok((status, head_end..head_end + length))
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<()> {
    buffer.reserve(16 * 1024);
    if stream.read_buf(buffer).await? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
