//! The operator's commands: `api migrate` (alone, twice, and three at once on one PostgreSQL
//! database), `--check-config` (every problem named with its place), `api healthcheck`, and the
//! secret `api token` signs with (read, never made in the wrong folder).

use std::net::SocketAddr;

use crate::helpers::{Backend, TEST_SECRET, operator_dir, operator_settings, spawn_app};

/// The number in "applied N migration(s)".
fn applied(report: &str) -> usize {
    report
        .split("applied ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_applies_what_is_pending_once_sqlite() {
    let dir = operator_dir();
    let settings = operator_settings(None, &dir);
    let first = api::ops::migrate(&settings).await.expect("migrate");
    assert!(applied(&first) > 20, "{first}");
    assert!(first.starts_with("embedded SQLite at "), "{first}");
    let second = api::ops::migrate(&settings).await.expect("migrate again");
    assert_eq!(applied(&second), 0, "{second}");
    // The migrated database serves: a server on it starts without loading anything more.
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL skipped: set TEST_POSTGRES_URL (see README) to run"
)]
async fn migrations_run_by_three_deployments_at_once_apply_once_postgres() {
    let (url, name) = crate::helpers::empty_postgres_database().await;
    let dir = operator_dir();
    let settings = operator_settings(Some(url), &dir);
    let (a, b, c) = tokio::join!(
        api::ops::migrate(&settings),
        api::ops::migrate(&settings),
        api::ops::migrate(&settings)
    );
    let reports = [a, b, c].map(|r| r.expect("every run succeeds"));
    let mut counts: Vec<usize> = reports.iter().map(|r| applied(r)).collect();
    counts.sort_unstable();
    assert_eq!(counts[0], 0, "{reports:?}");
    assert_eq!(counts[1], 0, "{reports:?}");
    assert!(counts[2] > 20, "one run applied them all: {reports:?}");
    assert!(
        reports[0].contains("PostgreSQL at 127.0.0.1:5432"),
        "{reports:?}"
    );
    // A server started on it now is ready at once.
    let findings = api::ops::check_config(&settings).await;
    let database = findings
        .iter()
        .find(|f| f.subject == "database")
        .expect("database finding");
    assert!(database.ok, "{}", database.text);
    assert!(database.text.contains(", 0 pending"), "{}", database.text);
    crate::helpers::drop_postgres_database(&name).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_config_names_every_problem_with_its_place() {
    let dir = operator_dir();
    // A file where the files folder should be: it cannot be made a folder.
    let blocked = dir.join("files-here");
    std::fs::write(&blocked, b"not a folder").expect("file");
    let mut bad = operator_settings(Some("postgres://root@127.0.0.1:1/nowhere".into()), &dir);
    bad.files_dir = Some(blocked.clone());
    bad.limits.request_timeout = -1.0;
    bad.limits.trusted_proxies = vec!["10.0.0.0/99".into()];
    bad.auth.production = true;
    bad.auth.jwt_secret = Some("short".into());
    let findings = api::ops::check_config(&bad).await;
    let find = |subject: &str| {
        findings
            .iter()
            .find(|f| f.subject == subject)
            .unwrap_or_else(|| panic!("a finding on {subject}"))
    };
    for subject in ["tokens", "rate limits", "limits", "files", "database"] {
        assert!(!find(subject).ok, "{subject}: {}", find(subject).text);
    }
    assert!(
        find("tokens").text.contains("32"),
        "{}",
        find("tokens").text
    );
    assert!(
        find("files").text.contains(&blocked.display().to_string()),
        "{}",
        find("files").text
    );
    assert!(
        find("limits").text.contains("APP_REQUEST_TIMEOUT"),
        "{}",
        find("limits").text
    );
    let database = &find("database").text;
    assert!(
        database.contains("127.0.0.1:1") && database.contains("refused"),
        "{database}"
    );
    assert!(find("listen").ok);

    // Sound settings: every finding is ok.
    let good = operator_settings(None, &dir);
    let findings = api::ops::check_config(&good).await;
    for finding in &findings {
        assert!(finding.ok, "{}: {}", finding.subject, finding.text);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_asks_the_server_whether_it_is_ready() {
    let app = spawn_app(Backend::Sqlite).await;
    let port: u16 = app
        .address
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let url = api::ops::readyz_url(SocketAddr::from(([0, 0, 0, 0], port)));
    assert_eq!(url, format!("http://127.0.0.1:{port}/readyz"));
    let ready = api::ops::healthcheck(&url).await.expect("ready");
    assert!(ready.ends_with("ready"), "{ready}");
    let missing = api::ops::healthcheck(&format!("http://127.0.0.1:{port}/no-such-page"))
        .await
        .expect_err("404 is not ready");
    assert!(api::diagnostic::message(&missing).contains("404"));
    app.stop().await;
    let gone = api::ops::healthcheck(&url)
        .await
        .expect_err("a stopped server is not ready");
    assert!(api::diagnostic::message(&gone).contains("no answer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_signs_with_the_servers_secret_and_says_which() {
    let dir = operator_dir();
    let mut settings = operator_settings(None, &dir.join("data"));
    settings.auth.jwt_secret = None;
    // No server has run with this folder: nothing is made, and the path is named.
    let missing = api::ops::token_secret(&settings).expect_err("no secret yet");
    let text = api::diagnostic::message(&missing);
    assert!(
        text.contains("dev-jwt-secret") && text.contains(&dir.display().to_string()),
        "{text}"
    );
    assert!(!dir.join("data").exists(), "nothing was made");
    // The server makes it; `api token` then reads the same one.
    let config = settings.auth_config().expect("server config");
    let (secret, source) = api::ops::token_secret(&settings).expect("secret");
    assert_eq!(config.secret.as_deref(), Some(secret.as_str()));
    assert!(source.contains(&dir.display().to_string()), "{source}");
    settings.auth.jwt_secret = Some(TEST_SECRET.into());
    assert_eq!(
        api::ops::token_secret(&settings).expect("configured").1,
        "APP_JWT_SECRET"
    );
    let _ = std::fs::remove_dir_all(dir);
}
