#!/usr/bin/env bash
# Builds Jaeger's all-in-one binary (the v2, OpenTelemetry-collector based `cmd/jaeger`) from
# the Go module proxy into .state/tools/bin/jaeger, so `make up` without Docker runs the same
# Jaeger UI compose users open (devstack/tracing.py starts it). Does nothing when it is there
# at that version. The first build takes several minutes on two cores; Go >= 1.24.6 is needed.
#
# The UI's web assets are not part of the Go module (Jaeger's release builds add them from
# the jaeger-ui repository), so this binary serves Jaeger's placeholder page at the UI's
# address; its HTTP API, which `devstack trace` reads, is complete.
set -euo pipefail
JAEGER_VERSION=v1.75.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GOBIN="$ROOT/.state/tools/bin"
# `go install pkg@version` refuses Jaeger's module (its go.mod has a replace directive), so
# the build runs inside a throwaway module that names Jaeger as a tool and repeats the replace.
MODULE="$ROOT/.state/tools/src/jaeger"

# Quiet unless it fails: `go get` lists every module it adds (hundreds).
quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }

have() {
  [ -x "$GOBIN/jaeger" ] &&
    "$GOBIN/jaeger" version 2>/dev/null | grep -q "\"gitVersion\":\"$JAEGER_VERSION\""
}

if have; then exit 0; fi
GO="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "$GO" ] || { echo "Go is needed to build Jaeger (not on PATH)" >&2; exit 1; }
echo "building Jaeger $JAEGER_VERSION into $GOBIN (several minutes the first time) ..."
rm -rf "$MODULE"
mkdir -p "$MODULE" "$GOBIN"
cd "$MODULE"
"$GO" mod init devstack-jaeger >/dev/null 2>&1
# The pin Jaeger's own go.mod makes (for its Kafka code); a tool's replace directives are not
# applied to the module that builds it, so we repeat it.
"$GO" mod edit -replace github.com/Shopify/sarama=github.com/Shopify/sarama@v1.33.0
quietly "$GO" get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION"
# Stamp the version `jaeger version` prints, which `have` above checks.
"$GO" install -trimpath \
  -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$JAEGER_VERSION" \
  github.com/jaegertracing/jaeger/cmd/jaeger
