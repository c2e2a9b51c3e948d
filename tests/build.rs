//! Turns the PostgreSQL variant of every database test on when `TEST_POSTGRES_URL` is set, and
//! the browser test when `TEST_BROWSER` names a Chromium (`.ci/run` sets both); without them those
//! tests are reported as ignored, with the reason.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=TEST_BROWSER");
    if std::env::var("TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    if std::env::var("TEST_BROWSER").is_ok_and(|path| !path.is_empty()) {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
