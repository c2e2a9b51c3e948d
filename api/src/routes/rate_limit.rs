//! A rate limit on cost: each principal (anonymous callers: each client address) has a bucket
//! of cost points that refills at a steady rate (GCRA, the `governor` crate); a request spends
//! its static cost, at least 1. The bucket is per server instance: behind a load balancer a
//! caller's effective rate is the per-instance rate times the instances it reaches.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::config::LimitSettings;

type Limiter =
    RateLimiter<String, DashMapStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One kind of caller's buckets.
struct Buckets {
    limiter: Limiter,
    burst: u32,
    per_second: u32,
}

impl Buckets {
    fn new(per_second: u32, burst: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
        Some(Self {
            limiter: RateLimiter::dashmap(Quota::per_second(rate).allow_burst(burst))
                .with_middleware::<StateInformationMiddleware>(),
            burst: burst.get(),
            per_second: rate.get(),
        })
    }
}

/// Who is charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payer {
    /// A signed-in principal, by subject.
    Principal(String),
    /// An anonymous client, by address.
    Address(IpAddr),
}

/// The outcome of a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    /// No limit applies to this caller.
    Unlimited,
    /// Paid; `remaining` points are left of `limit`, full again in `reset` seconds.
    Paid {
        limit: u32,
        remaining: u32,
        reset: u64,
    },
    /// Refused: the bucket has too few points; retry after `retry_after`.
    Refused { limit: u32, retry_after: Duration },
}

/// The server's rate limits.
pub struct RateLimits {
    anonymous: Option<Buckets>,
    principals: Option<Buckets>,
    trusted_proxies: Vec<(IpAddr, u8)>,
    charges: AtomicU64,
}

impl RateLimits {
    /// From the settings; a rate of 0 turns that kind's limit off.
    pub fn new(settings: &LimitSettings) -> anyhow::Result<Self> {
        let trusted_proxies = settings
            .trusted_proxies
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| parse_cidr(p.trim()))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            anonymous: Buckets::new(settings.rate_anonymous, settings.rate_anonymous_burst),
            principals: Buckets::new(settings.rate_principal, settings.rate_principal_burst),
            trusted_proxies,
            charges: AtomicU64::new(0),
        })
    }

    /// Spends `cost` points of the payer's bucket.
    pub fn charge(&self, payer: &Payer, cost: u64) -> Charge {
        let (buckets, key) = match payer {
            Payer::Principal(subject) => (&self.principals, format!("p:{subject}")),
            Payer::Address(address) => (&self.anonymous, format!("a:{address}")),
        };
        let Some(buckets) = buckets else {
            return Charge::Unlimited;
        };
        // Forget buckets that have refilled completely now and then (memory stays bounded by
        // the callers of the last few seconds).
        if self.charges.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            buckets.limiter.retain_recent();
            buckets.limiter.shrink_to_fit();
        }
        let points = u32::try_from(cost)
            .unwrap_or(u32::MAX)
            .clamp(1, buckets.burst);
        let points = NonZeroU32::new(points).unwrap_or(NonZeroU32::MIN);
        match buckets.limiter.check_key_n(&key, points) {
            Ok(Ok(snapshot)) => {
                let remaining = snapshot.remaining_burst_capacity();
                Charge::Paid {
                    limit: buckets.burst,
                    remaining,
                    reset: u64::from(buckets.burst - remaining)
                        .div_ceil(u64::from(buckets.per_second)),
                }
            }
            Ok(Err(not_until)) => Charge::Refused {
                limit: buckets.burst,
                retry_after: not_until.wait_time_from(buckets.limiter.clock().now()),
            },
            // Cannot happen: the points are clamped to the bucket's size.
            Err(_) => Charge::Refused {
                limit: buckets.burst,
                retry_after: Duration::from_secs(1),
            },
        }
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the nearest
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    pub fn client_address(
        &self,
        peer: Option<IpAddr>,
        forwarded_for: Option<&str>,
    ) -> Option<IpAddr> {
        let peer = peer?;
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        let Some(chain) = forwarded_for else {
            return Some(peer);
        };
        let mut client = peer;
        for hop in chain.rsplit(',') {
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = address;
            if !self.is_trusted(address) {
                break;
            }
        }
        Some(client)
    }

    fn is_trusted(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|(network, bits)| in_network(address, *network, *bits))
    }
}

/// `10.0.0.0/8`, `::1`, `192.168.1.7`.
fn parse_cidr(text: &str) -> anyhow::Result<(IpAddr, u8)> {
    let bad = || anyhow::anyhow!("trusted proxy {text:?} is not an IP address or CIDR block");
    let (address, bits) = match text.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().map_err(|_| bad())?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let bits = match bits {
        Some(bits) => bits
            .parse::<u8>()
            .ok()
            .filter(|b| *b <= max)
            .ok_or_else(bad)?,
        None => max,
    };
    Ok((address, bits))
}

fn in_network(address: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V4(_)) => a
            .to_ipv4_mapped()
            .is_some_and(|a| in_network(IpAddr::V4(a), network, bits)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(trusted: &[&str]) -> RateLimits {
        let settings = LimitSettings {
            rate_anonymous: 10,
            rate_anonymous_burst: 100,
            trusted_proxies: trusted.iter().map(|s| s.to_string()).collect(),
            ..LimitSettings::default()
        };
        RateLimits::new(&settings).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_bucket_pays_until_empty_then_refuses_with_a_wait() {
        let limits = limits(&[]);
        let payer = Payer::Address([192, 0, 2, 1].into());
        assert!(matches!(
            limits.charge(&payer, 60),
            Charge::Paid {
                remaining: 40,
                limit: 100,
                ..
            }
        ));
        match limits.charge(&payer, 60) {
            Charge::Refused { retry_after, .. } => {
                assert!(
                    retry_after > Duration::from_secs(1) && retry_after <= Duration::from_secs(3)
                )
            }
            other => panic!("{other:?}"),
        }
        let other = Payer::Address([192, 0, 2, 2].into());
        assert!(
            matches!(limits.charge(&other, 1), Charge::Paid { .. }),
            "buckets are per caller"
        );
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let limits = limits(&["10.0.0.0/8", "::1"]);
        let client: IpAddr = "203.0.113.9".parse().unwrap_or_else(|e| panic!("{e}"));
        let proxy: IpAddr = "10.1.2.3".parse().unwrap_or_else(|e| panic!("{e}"));
        let stranger: IpAddr = "198.51.100.4".parse().unwrap_or_else(|e| panic!("{e}"));
        let chain = "1.1.1.1, 203.0.113.9, 10.9.9.9";
        assert_eq!(
            limits.client_address(Some(proxy), Some(chain)),
            Some(client)
        );
        assert_eq!(
            limits.client_address(Some(stranger), Some(chain)),
            Some(stranger)
        );
        assert_eq!(limits.client_address(Some(proxy), None), Some(proxy));
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("nonsense").is_err());
    }
}
