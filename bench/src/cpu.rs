//! CPU time per request, read from `/proc`: the API server's process, PostgreSQL's processes and
//! the driver (this process, and pgbench for the ceilings).
//!
//! Throughput on a shared two-core VM drifts by the minute; the CPU time a request costs drifts
//! much less (time stolen by the host is not charged to the guest's processes), and it says who
//! spends it. Server, database and driver share the two cores, so on a saturated machine the
//! throughput is about two CPU-seconds over the sum of the three: a share of the ceiling below
//! 60 % is the API's own CPU time added to the database's, and this is where it shows.

use std::fs;

/// `/proc/<pid>/stat` counts in clock ticks (Linux's `USER_HZ`, 100 on x86-64 and arm64).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds spent so far (or, after [`Spent::per`], per request).
#[derive(Clone, Copy, Debug, Default)]
pub struct Spent {
    /// The API server's process (all its threads).
    pub api: f64,
    /// Every PostgreSQL process, and the backends that have exited (counted by the postmaster
    /// that reaped them).
    pub database: f64,
    /// This process and the children it has reaped (pgbench).
    pub driver: f64,
}

impl Spent {
    /// What has been spent so far; `api` is the server's process id (none for a ceiling).
    pub fn now(api: Option<u32>) -> Spent {
        let database = fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name();
                let pid = name.to_str()?;
                pid.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
                let times = times(pid)?;
                (times.command == "postgres").then_some(times.own + times.children)
            })
            .sum();
        let driver = times("self").map_or(0.0, |t| t.own + t.children);
        let api = api
            .and_then(|pid| times(&pid.to_string()))
            .map_or(0.0, |t| t.own);
        Spent {
            api,
            database,
            driver,
        }
    }

    /// What was spent since `before`.
    pub fn since(self, before: Spent) -> Spent {
        Spent {
            api: self.api - before.api,
            database: self.database - before.database,
            driver: self.driver - before.driver,
        }
    }

    pub fn add(self, other: Spent) -> Spent {
        Spent {
            api: self.api + other.api,
            database: self.database + other.database,
            driver: self.driver + other.driver,
        }
    }

    /// Per request, in milliseconds, over `requests` requests.
    pub fn per(self, requests: usize) -> Spent {
        let n = requests.max(1) as f64 / 1000.0;
        Spent {
            api: self.api / n,
            database: self.database / n,
            driver: self.driver / n,
        }
    }
}

struct Times {
    command: String,
    /// User and system time of the process itself.
    own: f64,
    /// User and system time of the children it has waited for.
    children: f64,
}

/// A process's times from `/proc/<pid>/stat`.
fn times(pid: &str) -> Option<Times> {
    parse(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// The times in one `/proc/<pid>/stat` line.
fn parse(stat: &str) -> Option<Times> {
    // "pid (command) state ppid …": the command may hold spaces and parentheses.
    let (head, tail) = stat.rsplit_once(')')?;
    let command = head.split_once('(')?.1.to_owned();
    // Fields 14–17 (utime, stime, cutime, cstime), counted from the state (field 3).
    let fields: Vec<f64> = tail
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let [utime, stime, cutime, cstime] = fields[..] else {
        return None;
    };
    Some(Times {
        command,
        own: (utime + stime) / TICKS_PER_SECOND,
        children: (cutime + cstime) / TICKS_PER_SECOND,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_times_after_a_command_with_parentheses_and_spaces() {
        // pid (command) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime cutime cstime …
        let stat = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 10 20 0 0 250 50 7 3 20 0 4 0";
        let times = parse(stat).expect("a stat line");
        assert_eq!(times.command, "a) (b c");
        assert!((times.own - 3.0).abs() < 1e-9, "{}", times.own);
        assert!((times.children - 0.1).abs() < 1e-9, "{}", times.children);
        assert!(parse("4242 (short) S 1 2 3").is_none());
    }

    #[test]
    fn spends_per_request_in_milliseconds() {
        let before = Spent {
            api: 1.0,
            database: 2.0,
            driver: 0.5,
        };
        let after = Spent {
            api: 1.5,
            database: 2.25,
            driver: 0.75,
        };
        let per = after.since(before).per(1000);
        assert!((per.api - 0.5).abs() < 1e-9);
        assert!((per.database - 0.25).abs() < 1e-9);
        assert!((per.driver - 0.25).abs() < 1e-9);
    }
}
