//! GraphiQL served from the binary: province networks are often closed to the internet, and a
//! page that loads its scripts from a CDN shows only "Loading…" there. The assets (GraphiQL 4.1.2,
//! React 18.3.1; `api/assets/graphiql/VERSIONS.md`) live under a versioned path, so browsers may
//! keep them for a year; the page itself is never cached and allows only same-origin scripts.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::reply;

/// The assets' path segment: a new bundle gets a new path, so caches never serve a stale one.
pub const VERSION: &str = "4.1.2-18.3.1";

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// Each asset: its name, media type and bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "boot.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/boot.js"),
    ),
    (
        "page.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/page.css"),
    ),
];

/// What the page may load: its own scripts and styles (GraphiQL sets inline styles), `data:`
/// fonts and images, requests to its own origin (queries, and the subscription socket).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Text for an HTML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The GraphiQL page for `endpoint` (and subscriptions at `subscriptions`).
pub fn page(title: &str, endpoint: &str, subscriptions: &str) -> HttpResponse {
    let body = PAGE
        .replace("{{ASSETS}}", &format!("/graphiql/{VERSION}"))
        .replace("{{TITLE}}", &escape(title))
        .replace("{{ENDPOINT}}", &escape(endpoint))
        .replace("{{SUBSCRIPTION_ENDPOINT}}", &escape(subscriptions));
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}

/// `GET /graphiql/{version}/{file}`: an asset, cacheable for a year; another version's path is
/// not found (the page names the current one).
pub async fn asset(req: HttpRequest, path: web::Path<(String, String)>) -> HttpResponse {
    let (version, file) = path.into_inner();
    match ASSETS.iter().find(|(name, ..)| *name == file) {
        Some((_, media_type, bytes)) if version == VERSION => HttpResponse::Ok()
            .content_type(*media_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(*bytes),
        _ => reply::not_found(req).await,
    }
}
