//! A configuration file (`--config FILE` or `APP_CONFIG`): TOML whose keys are the long flags of
//! `api --help` (`listen = "0.0.0.0:8080"`, `database-url = "postgres://…"`, `trusted-proxies =
//! ["10.0.0.0/8"]`). Its values become the flags' defaults, so an environment variable or a flag
//! still wins. Every key and value is checked before anything starts, and a problem names the
//! file, the line and the setting.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Command;

/// The file the arguments or the environment name, if any.
pub fn path(args: &[OsString]) -> Option<PathBuf> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("APP_CONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// `command` with the file's settings as defaults (in every subcommand that has them).
pub fn apply(command: Command, file: &Path) -> anyhow::Result<Command> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the configuration file {}", file.display()))?;
    apply_text(command, &text, &file.display().to_string())
}

/// The long flags of the server's settings (those the file may set).
fn flags(command: &Command, into: &mut BTreeSet<String>) {
    for arg in command.get_arguments() {
        if let Some(long) = arg.get_long() {
            into.insert(long.to_owned());
        }
    }
}

/// Sets `values` as the default of flag `long` wherever it is declared.
fn set_default(command: Command, long: &str, values: &[&'static str]) -> Command {
    let ids: Vec<String> = command
        .get_arguments()
        .filter(|a| a.get_long() == Some(long))
        .map(|a| a.get_id().to_string())
        .collect();
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut command = command;
    for id in ids {
        command = command.mut_arg(id, |arg| arg.default_values(values.iter().copied()));
    }
    for name in subcommands {
        command = command.mut_subcommand(name, |sub| set_default(sub, long, values));
    }
    command
}

/// Checks values with the flag's own parser: the server's command line parsed with them as its
/// defaults; the parser's complaint, if any.
fn check(command: &Command, long: &str, values: &[&'static str]) -> Option<String> {
    let trial = set_default(command.clone(), long, values);
    let error = trial.try_get_matches_from(["api"]).err()?;
    use clap::error::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8
    )
    .then(|| {
        error
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned()
    })
}

fn apply_text(command: Command, text: &str, name: &str) -> anyhow::Result<Command> {
    let document: toml_edit::Document<String> = text
        .to_owned()
        .parse()
        .map_err(|e: toml_edit::TomlError| anyhow::anyhow!("{name} is not TOML: {e}"))?;
    let mut known = BTreeSet::new();
    flags(&command, &mut known);
    // Settings that make no sense in a file: which file to read, and one-shot actions.
    for never in ["config", "check-config", "help", "version", "dry-run"] {
        known.remove(never);
    }
    let line = |span: Option<std::ops::Range<usize>>| {
        span.map_or(0, |s| {
            text[..s.start.min(text.len())]
                .bytes()
                .filter(|b| *b == b'\n')
                .count()
                + 1
        })
    };
    let mut problems = Vec::new();
    let mut command = command;
    for (key, item) in document.as_table().iter() {
        let at = line(document.as_table().key(key).and_then(|k| k.span()));
        if !known.contains(key) {
            problems.push(format!(
                "line {at}: `{key}` is not a setting (settings are the long flags of `api --help`, e.g. listen, database-url, pool-size)"
            ));
            continue;
        }
        let scalar = |value: &toml_edit::Value| -> Option<String> {
            match value {
                toml_edit::Value::String(s) => Some(s.value().clone()),
                toml_edit::Value::Integer(i) => Some(i.value().to_string()),
                toml_edit::Value::Float(f) => Some(f.value().to_string()),
                toml_edit::Value::Boolean(b) => Some(b.value().to_string()),
                _ => None,
            }
        };
        let values: Option<Vec<String>> = match item.as_value() {
            Some(toml_edit::Value::Array(array)) => array.iter().map(scalar).collect(),
            Some(value) => scalar(value).map(|v| vec![v]),
            None => None,
        };
        let Some(values) = values else {
            problems.push(format!(
                "line {at}: `{key}` must be a string, number, boolean or a list of them"
            ));
            continue;
        };
        // Defaults live as long as the command line: the file is read once at start.
        let leaked: Vec<&'static str> = values
            .into_iter()
            .map(|v| &*Box::leak(v.into_boxed_str()))
            .collect();
        if let Some(error) = check(&command, key, &leaked) {
            problems.push(format!("line {at}: `{key}`: {error}"));
            continue;
        }
        command = set_default(command, key, &leaked);
    }
    if !problems.is_empty() {
        bail!(
            "the configuration file {name} has {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(command)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, FromArgMatches as _};

    use super::*;
    use crate::config::{Cli, Command as Sub};

    fn parse(text: &str, args: &[&str]) -> anyhow::Result<Cli> {
        let command = apply_text(Cli::command(), text, "test.toml")?;
        let matches = command.try_get_matches_from(args)?;
        Ok(Cli::from_arg_matches(&matches)?)
    }

    #[test]
    fn file_values_are_defaults_that_flags_override() {
        let text = "listen = \"0.0.0.0:9090\"\npool-size = 25\nproduction = true\ntrusted-proxies = [\"10.0.0.0/8\", \"192.168.0.0/16\"]\nlgsp-agency-scope = [\"H19\"]\n";
        let cli = parse(text, &["api"]).expect("parsed");
        assert_eq!(cli.serve.listen.to_string(), "0.0.0.0:9090");
        assert_eq!(cli.serve.pool_size, 25);
        assert!(cli.serve.auth.production);
        assert_eq!(
            cli.serve.limits.trusted_proxies,
            vec!["10.0.0.0/8", "192.168.0.0/16"]
        );
        assert_eq!(cli.serve.lgsp.agency_scope, vec!["H19"]);
        let cli = parse(text, &["api", "--pool-size", "3"]).expect("parsed");
        assert_eq!(cli.serve.pool_size, 3, "a flag wins over the file");
        // Subcommands that take the server's settings take them too.
        let Some(Sub::Migrate(settings)) =
            parse(text, &["api", "migrate"]).expect("parsed").command
        else {
            panic!("migrate");
        };
        assert_eq!(settings.pool_size, 25);
    }

    #[test]
    fn every_problem_is_named_with_its_line() {
        let text =
            "listen = \"nowhere\"\npool-size = \"many\"\ncolour = \"blue\"\ndemo = { a = 1 }\n";
        let error = parse(text, &["api"]).expect_err("refused").to_string();
        assert!(error.contains("4 problem(s)"), "{error}");
        assert!(error.contains("line 1: `listen`"), "{error}");
        assert!(error.contains("line 2: `pool-size`"), "{error}");
        assert!(
            error.contains("line 3: `colour` is not a setting"),
            "{error}"
        );
        assert!(error.contains("line 4: `demo` must be"), "{error}");
        let error = parse("listen = ", &["api"])
            .expect_err("not TOML")
            .to_string();
        assert!(error.contains("test.toml is not TOML"), "{error}");
    }
}
