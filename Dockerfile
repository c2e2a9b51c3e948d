# syntax=docker/dockerfile:1
#
# The `api` server in a small runtime image.
#
#   docker build -t plans-api .
#   docker run --rm -p 8080:8080 plans-api
#
# Without DATABASE_URL the server uses the embedded SQLite file in /var/lib/plans-api and loads
# the demo data (development only; mount a volume there to keep it). For PostgreSQL and
# production settings see compose.yaml and docs/deploy.md.

# ---- build ------------------------------------------------------------------------------------
FROM rust:1-slim-bookworm AS builder

# A C compiler for the crates that build C code (ring, the bundled SQLite, mimalloc). TLS is
# rustls: no OpenSSL headers needed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# The toolchain pinned by rust-toolchain.toml, in a layer of its own (cached until the pin moves).
COPY rust-toolchain.toml ./
RUN rustup toolchain install --profile minimal \
      "$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"

# Every workspace member's manifest and sources are needed to resolve the workspace; the cache
# mounts keep the crate registry and the target folder between builds (BuildKit), so a change in
# the sources rebuilds the workspace's crates, not the dependencies. The release profile uses
# thin LTO: expect several minutes.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release -p api --locked \
 && install -D -m 0755 target/release/api /out/api

# ---- runtime ----------------------------------------------------------------------------------
FROM debian:bookworm-slim

# CA certificates: JWKS over https and the S3-compatible file store verify against them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user owning the data folder (embedded SQLite, dossier files when kept on local
# disk, the development JWT secret). files/ exists in the image so that a volume mounted there
# starts out owned by this user.
RUN groupadd --system --gid 10001 plans \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/plans-api --no-create-home \
      --shell /usr/sbin/nologin plans \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/plans-api /var/lib/plans-api/files

COPY --from=builder /out/api /usr/local/bin/api
COPY LICENSE-MIT LICENSE-APACHE /usr/share/doc/plans-api/

WORKDIR /var/lib/plans-api
USER 10001:10001

ENV APP_LISTEN=0.0.0.0:8080 \
    APP_DATA_DIR=/var/lib/plans-api

EXPOSE 8080

# `api healthcheck` GETs http://127.0.0.1:8080/readyz (database reachable and migrated) and exits
# 0 on 200. Pass `--url` if APP_LISTEN moves to another port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/api", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/api"]
CMD ["serve"]
