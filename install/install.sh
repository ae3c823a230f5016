#!/bin/sh
# Install acctivate-qbo into a virtual environment, then create or upgrade its tables and write
# a default config (`acctivate-qbo install`). Safe to run again after an upgrade.
#
#   install/install.sh [--venv DIR] [--python PY] [--package SPEC] [--extras LIST]
#                      [--pip-args "ARGS"] [-- INSTALL-ARGS...]
#
# Everything after `--` goes to `acctivate-qbo install` (--config FILE, --database URL,
# --no-host-schema). Examples:
#   install/install.sh
#   install/install.sh --venv /opt/acctivate-qbo --extras postgres -- \
#       --config /srv/erp/acctivate_qbo.toml --database postgresql+psycopg://erp@db/erp
#   install/install.sh --pip-args "--no-index --find-links /media/wheels"   # offline
set -eu

here=$(cd "$(dirname "$0")" && pwd)
venv=acctivate-qbo-venv
python=${PYTHON:-python3}
package=
extras=
pip_args=

usage() {
    sed -n '2,13p' "$here/install.sh" | sed 's/^# \{0,1\}//'
}

fail() {
    echo "install.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --venv) [ $# -ge 2 ] || fail "--venv needs a directory"; venv=$2; shift 2 ;;
        --python) [ $# -ge 2 ] || fail "--python needs an interpreter"; python=$2; shift 2 ;;
        --package) [ $# -ge 2 ] || fail "--package needs a path or name"; package=$2; shift 2 ;;
        --extras) [ $# -ge 2 ] || fail "--extras needs a list, e.g. postgres"; extras=$2; shift 2 ;;
        --pip-args) [ $# -ge 2 ] || fail "--pip-args needs a quoted string"; pip_args=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [ -z "$package" ]; then
    package=$(cd "$here/.." && pwd)
    [ -f "$package/pyproject.toml" ] || fail "no pyproject.toml in $package: pass --package with the release file or directory"
fi
if [ -n "$extras" ]; then
    package="${package}[${extras}]"
fi

command -v "$python" >/dev/null 2>&1 || fail "$python not found: install Python 3.11 or newer, or pass --python"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    fail "$python is Python $("$python" -c 'import platform; print(platform.python_version())'); acctivate-qbo needs 3.11 or newer (pass --python)"

if [ ! -x "$venv/bin/python" ]; then
    echo "== creating the virtual environment $venv"
    "$python" -m venv "$venv"
fi
echo "== installing $package"
# $pip_args is split into words on purpose: it holds several pip options.
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --disable-pip-version-check --upgrade $pip_args "$package"

echo "== acctivate-qbo install $*"
"$venv/bin/acctivate-qbo" install "$@"
echo "acctivate-qbo is installed: $venv/bin/acctivate-qbo (next: acctivate-qbo connect)"
