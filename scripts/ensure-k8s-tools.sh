#!/usr/bin/env bash
# Builds the tools of the offline Kubernetes manifest check (tests/test_kubernetes_manifests.py)
# from the Go module proxy into .state/tools/bin: helm and kubeconform, at pinned versions.
# Does nothing when both are there at those versions. The first build takes a few minutes
# (helm is large); Go >= 1.24 must be on PATH.
set -euo pipefail
HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.7.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GOBIN="$ROOT/.state/tools/bin"

have() {  # have <binary> <version> <command printing the version>
  [ -x "$GOBIN/$1" ] && [ "$("$GOBIN/$1" "${@:3}" 2>/dev/null)" = "$2" ]
}

build() {  # build <module path@version> <-X flag stamping the version>
  command -v go >/dev/null || { echo "Go is needed to build $1 (not on PATH)" >&2; exit 1; }
  echo "building $1 into $GOBIN ..."
  # One build at a time: the machines have two cores.
  go install -trimpath -ldflags "-s -w -X $2" "$1"
}

mkdir -p "$GOBIN"
if ! have kubeconform "$KUBECONFORM_VERSION" -v; then
  build "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" \
    "main.version=$KUBECONFORM_VERSION"
fi
if ! have helm "$HELM_VERSION" version --template '{{.Version}}'; then
  build "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" \
    "helm.sh/helm/v4/internal/version.version=$HELM_VERSION"
fi
