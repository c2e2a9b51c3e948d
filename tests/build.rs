//! Turns the PostgreSQL variant of every database test on when `TEST_POSTGRES_URL` is set
//! (`.ci/run` sets it); without it those variants are reported as ignored, with the reason.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    if std::env::var("TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
