# syntax=docker/dockerfile:1
# Model Architect server image: one static binary (CGO_ENABLED=0) with the GraphiQL playground's files embedded,
# on distroless/static, running as a non-root user.
#   docker build -t architect --build-arg VERSION=$(git describe --always --dirty) .
# scripts/check-docker-build runs this file's RUN commands on the host, without Docker (CI has no engine), so
# keep them free of absolute paths other than WORKDIR.

ARG GO_VERSION=1.26
ARG NODE_VERSION=20

# 1. The playground's browser files, from the npm registry as web/package-lock.json pins them.
FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web/build.mjs ./
RUN node build.mjs

# 2. The binary. Modules are downloaded in their own layer and cached between builds.
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
COPY --from=assets /src/internal/playground/assets/dist ./internal/playground/assets/dist
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    test -s internal/playground/assets/dist/manifest.json && \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o bin/architect ./cmd/architect

# 3. The image: the binary alone, as distroless's nonroot user (uid 65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/architect /usr/local/bin/architect
# HOST=0.0.0.0: every interface of the container, so that a published port reaches the server (on loopback
# only, nothing outside the container could). METRICS_ADDR (e.g. :9091) moves /metrics to a port of its own.
ENV APP_ENV=production \
    HOST=0.0.0.0 \
    PORT=3001 \
    DATA_DIR=/home/nonroot/data \
    LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 3001
# The image has no shell or curl: the binary checks itself (GET /healthz on HOST and PORT, loopback for 0.0.0.0).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/architect", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/architect"]
CMD ["serve"]
