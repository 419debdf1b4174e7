#!/bin/sh
# Create or update a virtual environment from pinned requirements; used by the Makefile.
#
#   PYTHON=python3.12 PYTHON_GIVEN=1 sh tools/make_venv.sh VENV REQUIREMENTS CONSTRAINTS
#
# - VENV/.installed (the stamp) is written only after pip succeeded, and only then does
#   `make` treat VENV as ready; an environment this script created is removed again if
#   the install fails, so no half-built environment is ever reused.
# - Up to date (stamp newer than both files) and built by the Python asked for: nothing
#   to do. PYTHON_GIVEN is set when the learner named a Python (`make lab PYTHON=...`):
#   then an environment built by another Python version is rebuilt with that one. A plain
#   `make test` keeps whatever environment exists.
# - Python 3.11.5 to 3.13 only: TensorFlow 2.21 has no wheel for 3.10 or 3.14, and the
#   pinned set needs 3.11.5+ (soupsieve). Intel Macs have no TensorFlow 2.21 wheel at all.
set -u
venv=$1 requirements=$2 constraints=$3
python=${PYTHON:-python3}
stamp=$venv/.installed

version_of() { "$1" -c 'import platform; print(platform.python_version())' 2>/dev/null; }

# Refuse, with the reason, a Python the pins cannot install on.
check_python() {
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "error: no Python called '$python' here. The course needs Python 3.11.5 to 3.13;" \
             "name one with e.g. 'make lab PYTHON=python3.12'." >&2
        exit 1
    fi
    if [ -z "$(version_of "$python")" ]; then
        echo "error: '$python' does not run. The course needs Python 3.11.5 to 3.13;" \
             "name one with e.g. 'make lab PYTHON=python3.12'." >&2
        exit 1
    fi
    if ! "$python" -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 11, 5) <= v[:3] and v[:2] <= (3, 13) else 1)'; then
        echo "error: $python is Python $(version_of "$python"); the course needs Python 3.11.5 to 3.13" \
             "(TensorFlow 2.21 and the pinned packages). Name another one with e.g." \
             "'make lab PYTHON=python3.12', or use Colab or Binder (see README)." >&2
        exit 1
    fi
    if [ "$(uname -s)" = Darwin ] && [ "$("$python" -c 'import platform; print(platform.machine())')" = x86_64 ]; then
        echo "error: TensorFlow 2.21 has no wheel for Intel (x86_64) macOS. Use Colab or Binder" \
             "(badges in README), or Linux / WSL; on Apple Silicon use an arm64 Python." >&2
        exit 1
    fi
}

up_to_date() { [ -f "$stamp" ] && [ "$stamp" -nt "$requirements" ] && [ "$stamp" -nt "$constraints" ]; }

if [ -e "$venv" ]; then
    have=$(version_of "$venv/bin/python")
    want=
    [ -n "${PYTHON_GIVEN:-}" ] && want=$(version_of "$python")
    if [ -z "$have" ]; then
        echo "$venv has no working Python (a broken or interrupted install): rebuilding it."
        rm -rf "$venv"
    elif [ -n "$want" ] && [ "$want" != "$have" ]; then
        check_python
        echo "$venv was built with Python $have; rebuilding it with $python (Python $want)."
        rm -rf "$venv"
    elif up_to_date && { [ -z "${PYTHON_GIVEN:-}" ] || [ -n "$want" ]; }; then
        exit 0
    fi
fi

created=
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ]; then
    check_python
    rm -rf "$venv"        # a leftover without a stamp is a failed or interrupted install
    "$python" -m venv "$venv" || { rm -rf "$venv"; exit 1; }
    created=1
fi
echo "Installing the pinned packages into $venv with $python (first time: a few minutes, ~3 GB) ..."
# Not --quiet: it hides pip's explanation of a failed resolution ("The conflict is caused by").
if ! "$venv/bin/python" -m pip install --disable-pip-version-check \
        -r "$requirements" -c "$constraints"; then
    if [ -n "$created" ]; then
        rm -rf "$venv"
        echo "error: installing into $venv failed (pip's reason above); $venv was removed," \
             "so the next 'make' starts afresh." >&2
    else
        echo "error: updating $venv failed (pip's reason above); it is retried on the next" \
             "'make' ('make clean' starts afresh)." >&2
    fi
    exit 1
fi
touch "$stamp"
