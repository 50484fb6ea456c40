# Build: a release build of the devplan binary.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p devplan-api

# Run: a slim Debian with only the binary, as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/devplan --shell /usr/sbin/nologin devplan
COPY --from=build /src/target/release/devplan /usr/local/bin/devplan
USER devplan
# A SQLite DATABASE_URL with a relative path lands here, writable by the user.
WORKDIR /var/lib/devplan
ENV DEVPLAN_BIND=0.0.0.0:8080
EXPOSE 8080
# Ready when the database answers; `devplan ready` is the binary itself (no curl here).
HEALTHCHECK --interval=5s --timeout=6s --retries=12 \
    CMD ["devplan", "ready", "--url", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["devplan"]
CMD ["serve"]
