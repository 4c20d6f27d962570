#!/usr/bin/env bash
# Run `ansible-test sanity` on the collection as it is in this working tree.
#
# ansible-test needs the collection at .../ansible_collections/kstore/platform, so the files git knows about
# (tracked, plus untracked ones that are not ignored) are copied to a temporary tree of that shape, next to the
# collections it depends on (amazon.aws & co., linked from the `ansible` package in the venv). The copy is not a
# git repository: ansible-test then lists every file in it, which are exactly the files copied.
#
# Usage: tests/sanity.sh [extra ansible-test sanity arguments, e.g. --test validate-modules]
# Env:   VENV (default: .venv of this checkout), KEEP_TREE=1 to keep the temporary tree for a look afterwards.
#
# Isolation: --local. ansible-test itself runs from the venv (which holds ansible-core, amazon.aws, boto3), and
# every sanity test that needs tools (pylint, yamllint, validate-modules, import, ...) runs in its own virtual
# environment, which ansible-test creates once from pinned requirements (PyPI) and caches in
# ~/.ansible/test/venv; nothing is installed into the project venv. (--venv gives the same results but first
# builds a delegation venv for ansible-test itself on every run; --requirements would install into the shared
# project venv.)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PYTHON_VERSION=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kstore-sanity.XXXXXX")
if [[ "${KEEP_TREE:-0}" == 1 ]]; then
    echo "sanity tree: $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi
DEST=$WORK/ansible_collections/kstore/platform
mkdir -p "$DEST"

# Copy the working tree's files: tracked and untracked-not-ignored, without the .collections self-link and
# without files deleted from the working tree but still tracked.
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' path; do
        case "$path" in .collections/*) continue ;; esac
        [[ -e "$path" || -L "$path" ]] || continue
        mkdir -p "$DEST/$(dirname "$path")"
        cp -P "$path" "$DEST/$path"
    done

# The collections this one depends on (galaxy.yml), as bundled with the `ansible` package in the venv.
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for dependency in amazon/aws community/aws community/docker; do
    mkdir -p "$WORK/ansible_collections/${dependency%/*}"
    ln -s "$SITE/ansible_collections/$dependency" "$WORK/ansible_collections/$dependency"
done

cd "$DEST"
export PATH="$VENV/bin:$PATH"

# ansible-test puts pip into each venv it creates with a get-pip script downloaded from
# ci-files.testing.ansible.com, cached in ~/.ansible/test/cache. Where that host cannot be reached, cache a
# stand-in instead: pip bundled with Python (ensurepip), then `pip install` of the pip version ansible-test asks
# for, from the package index, like get-pip does. ansible-test runs pip with a scrubbed environment (PIP_CERT,
# SSL_CERT_FILE, ... are dropped), so the stand-in also writes this shell's CA bundle into each venv's pip.conf.
PIP_BOOTSTRAP_VERSION=$(python -c 'from ansible_test._internal.python_requirements import get_venv_packages
from ansible_test._internal.host_configs import NativePythonConfig
print(get_venv_packages(NativePythonConfig(version="'"$PYTHON_VERSION"'"))["pip"])')
GET_PIP=~/.ansible/test/cache/get_pip_${PIP_BOOTSTRAP_VERSION//./_}.py
CA_BUNDLE=${PIP_CERT:-${REQUESTS_CA_BUNDLE:-${SSL_CERT_FILE:-}}}
if [[ ! -e "$GET_PIP" ]]; then
    mkdir -p "$(dirname "$GET_PIP")"
    if ! curl -fsS --max-time 20 -o "$GET_PIP.download" \
        "https://ci-files.testing.ansible.com/ansible-test/get-pip-$PIP_BOOTSTRAP_VERSION.py" 2>/dev/null; then
        echo "ci-files.testing.ansible.com unreachable: caching a get-pip stand-in at $GET_PIP" >&2
        sed "s|@CA_BUNDLE@|$CA_BUNDLE|" > "$GET_PIP.download" <<'EOF'
"""Stand-in for get-pip.py, cached by kstore.platform's tests/sanity.sh (ci-files.testing.ansible.com unreachable).

Installs the requested packages (pip==X.Y) into the running interpreter: first the pip bundled with Python
(ensurepip), then `pip install` from the package index. Honours get-pip's --no-setuptools / --no-wheel.
"""
import os
import subprocess
import sys

CA_BUNDLE = "@CA_BUNDLE@"
if CA_BUNDLE:
    with open(os.path.join(sys.prefix, "pip.conf"), "w") as config:
        config.write(f"[global]\ncert = {CA_BUNDLE}\n")
options = {"--no-setuptools", "--no-wheel"}
args = [arg for arg in sys.argv[1:] if arg not in options]
# In a child process: ensurepip sets PIP_CONFIG_FILE=/dev/null in its own environment.
status = subprocess.call([sys.executable, "-m", "ensurepip"])
status = status or subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade", *args])
unwanted = [name for name in ("setuptools", "wheel") if f"--no-{name}" in sys.argv[1:]]
if status == 0 and unwanted:
    status = subprocess.call([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *unwanted])
sys.exit(status)
EOF
    fi
    mv "$GET_PIP.download" "$GET_PIP"
fi

start=$SECONDS
status=0
ansible-test sanity --local --python "$PYTHON_VERSION" --color no "$@" || status=$?
echo "ansible-test sanity: exit $status after $((SECONDS - start)) s" >&2
exit "$status"
