#!/bin/sh
# k8s-validate.sh [MANIFEST]: check the Kubernetes Indexed Job (default k8s-job.yaml beside this
# script) against the batch/v1 Job schema with kubernetes-models (npm; the OpenAPI schemas checked
# by ajv). The first run installs the pinned packages (k8s-validate/package-lock.json) with
# `npm ci` into build/k8s-validate of this checkout. Exit 0 valid, 1 invalid, 2 no node/npm or
# the install failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
manifest=${1:-$here/k8s-job.yaml}
dir=$here/../../build/k8s-validate
for t in node npm; do
    command -v $t >/dev/null || { echo "k8s-validate.sh: $t is not installed (scripts/install-deps.sh installs nodejs and npm)" >&2; exit 2; }
done
mkdir -p "$dir"
cp "$here/k8s-validate/package.json" "$here/k8s-validate/package-lock.json" "$here/k8s-validate/validate.mjs" "$dir/"
if [ ! -d "$dir/node_modules/kubernetes-models" ] || ! cmp -s "$here/k8s-validate/package-lock.json" "$dir/node_modules/.package-lock.json.used"; then
    (cd "$dir" && npm ci --no-audit --no-fund --silent >npm.log 2>&1) || { echo "k8s-validate.sh: npm ci failed: $(tail -3 "$dir/npm.log")" >&2; exit 2; }
    cp "$here/k8s-validate/package-lock.json" "$dir/node_modules/.package-lock.json.used"
fi
node "$dir/validate.mjs" "$manifest"
