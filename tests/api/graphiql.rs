//! GraphiQL with no internet: the page and its assets come from the server (versioned, cached
//! for a year, same-origin scripts only), and a real headless Chromium that can reach no other
//! host renders the editor and runs a query through it (driven over the DevTools protocol).

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{Backend, TestApp, spawn_app};

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.request(Method::GET, path)
        .header("accept", "text/html")
        .send()
        .await
        .expect("send")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_assets_come_from_the_server() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = get(&app, "/graphql").await;
    assert_eq!(page.status().as_u16(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = page.text().await.expect("html");
    assert!(html.contains("Kế hoạch &amp; thi đua"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "only same-origin: {html}"
    );
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert_eq!(assets.len(), 6, "{assets:?}");
    for asset in assets {
        let response = get(&app, asset).await;
        assert_eq!(response.status().as_u16(), 200, "{asset}");
        let headers = response.headers().clone();
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{asset}"
        );
        let kind = headers["content-type"].to_str().expect("type");
        assert!(
            kind.starts_with(if asset.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            }),
            "{asset}: {kind}"
        );
        assert!(!response.bytes().await.expect("body").is_empty());
    }
    // Another version's path, or a file that is not an asset, is not found.
    for path in [
        "/graphiql/0.0.1/graphiql.min.js",
        "/graphiql/4.1.2-18.3.1/VERSIONS.md",
        "/graphiql/4.1.2-18.3.1/..%2f..%2fCargo.toml",
    ] {
        assert_eq!(get(&app, path).await.status().as_u16(), 404, "{path}");
    }
    app.stop().await;
}

/// The browser, stopped however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Chromium's DevTools connection to one page.
struct DevTools {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl DevTools {
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.socket
            .send(Message::text(
                json!({ "id": id, "method": method, "params": params }).to_string(),
            ))
            .await
            .expect("send");
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("an answer from the browser")
                .expect("open")
                .expect("frame");
            if let Message::Text(text) = frame {
                let message: Value = serde_json::from_str(&text).expect("JSON");
                if message["id"] == id {
                    assert!(message.get("error").is_none(), "{method}: {message}");
                    return message["result"].clone();
                }
            }
        }
    }
}

/// Sets the query in GraphiQL's editor, clicks the run button, and resolves to the response
/// pane's text (or a reason it could not).
const RUN_IN_GRAPHIQL: &str = r#"
new Promise((resolve) => {
  const started = Date.now();
  const mirror = (selector) => {
    const element = document.querySelector(selector);
    return element && element.CodeMirror ? element.CodeMirror : null;
  };
  let phase = 'editor';
  const tick = () => {
    if (Date.now() - started > 15000) {
      resolve('FAIL timeout in ' + phase + '; page: ' + document.body.innerText.slice(0, 300));
      return;
    }
    if (phase === 'editor') {
      const editor = mirror('.graphiql-query-editor .CodeMirror');
      if (!editor || !document.querySelector('.graphiql-execute-button')) { setTimeout(tick, 50); return; }
      editor.setValue(QUERY);
      phase = 'click';
      setTimeout(tick, 300);
      return;
    }
    if (phase === 'click') {
      document.querySelector('.graphiql-execute-button').click();
      phase = 'result';
      setTimeout(tick, 50);
      return;
    }
    const pane = mirror('.graphiql-response .result-window .CodeMirror');
    const text = pane ? pane.getValue() : '';
    if (!text) { setTimeout(tick, 50); return; }
    resolve(text);
  };
  tick();
})
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "browser skipped: set TEST_BROWSER to a Chromium (see README) to run"
)]
async fn graphiql_renders_and_runs_a_query_in_a_browser_with_no_internet() {
    let app = spawn_app(Backend::Sqlite).await;
    let browser = std::env::var("TEST_BROWSER").expect("TEST_BROWSER");
    let profile = std::env::temp_dir().join(format!("plans-api-chromium-{}", uuid::Uuid::new_v4()));
    let chromium = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // No host but this one resolves: the page must need nothing from the internet.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start Chromium");
    let _chromium = KillOnDrop(chromium);
    // Chromium writes the port it chose into the profile.
    let port_file = profile.join("DevToolsActivePort");
    let mut port = None;
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(&port_file)
            && let Some(first) = text.lines().next()
            && let Ok(p) = first.trim().parse::<u16>()
        {
            port = Some(p);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let port = port.expect("Chromium's DevTools port");
    let targets: Value = reqwest::get(format!("http://127.0.0.1:{port}/json/list"))
        .await
        .expect("targets")
        .json()
        .await
        .expect("JSON");
    let page = targets
        .as_array()
        .and_then(|t| t.iter().find(|t| t["type"] == "page"))
        .and_then(|t| t["webSocketDebuggerUrl"].as_str())
        .expect("a page")
        .to_owned();
    let (socket, _) = tokio_tungstenite::connect_async(page)
        .await
        .expect("DevTools");
    let mut tools = DevTools { socket, next_id: 0 };
    tools.call("Page.enable", json!({})).await;
    tools
        .call(
            "Page.navigate",
            json!({ "url": format!("{}/graphql", app.address) }),
        )
        .await;
    let query = "{ plans(first: 2) { totalCount nodes { title } } }";
    let script = RUN_IN_GRAPHIQL.replace("QUERY", &serde_json::to_string(query).expect("JSON"));
    let result = tools
        .call(
            "Runtime.evaluate",
            json!({ "expression": script, "awaitPromise": true, "returnByValue": true }),
        )
        .await;
    let text = result["result"]["value"].as_str().unwrap_or_default();
    let shown: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("{text}"));
    // What GraphiQL shows is what the API answers.
    let direct = app.graphql(query, json!({})).await.ok();
    assert_eq!(shown["data"], direct, "{text}");
    assert!(
        shown["data"]["plans"]["totalCount"]
            .as_i64()
            .is_some_and(|n| n > 0)
    );
    let _ = std::fs::remove_dir_all(profile);
    app.stop().await;
}
