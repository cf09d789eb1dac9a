#!/bin/sh
# The course's virtual environment, built with a Python the pinned packages install on (make lab, make test, ...).
#
# Usage: sh tools/course_python.sh [VENV [MAKE-TARGET]]        (defaults: .venv lab)
#
# * VENV exists: check that its Python is a supported one (a .venv built earlier with, say, 3.14 is
#   reported with how to rebuild it); nothing is changed.
# * VENV missing: create it with $PYTHON if set, else with the first supported one of
#   python3.13, python3.12, python3.11, python3 on PATH (a command that does not run, like a pyenv shim
#   for a version not selected, is passed over).
# With no supported Python, it stops before creating anything, with a message naming the version found,
# the versions supported and how to get one on each platform; exit status 1.
set -u

# Keep in step with requires-python in pyproject.toml (tests/test_interpreter_choice.py checks both).
SUPPORTED="3.11 3.12 3.13"
CANDIDATES="python3.13 python3.12 python3.11 python3"
NEWEST=3.13

venv=${1:-.venv}
target=${2:-lab}
python=${PYTHON:-}

version_of() {  # the X.Y.Z version of interpreter $1; nothing if it does not run
    v=$("$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || return 0
    case $v in
        [0-9]*.[0-9]*.[0-9]*) printf '%s\n' "$v" ;;
    esac
}

is_supported() {  # is version X.Y.Z one of SUPPORTED?
    for s in $SUPPORTED; do
        [ "${1%.*}" = "$s" ] && return 0
    done
    return 1
}

say() { printf '%s\n' "$*" >&2; }

supported_list="3.11, 3.12 or 3.13"

how_to_get_one() {
    say "Get one, then run make $target again (it finds python$NEWEST, 3.12 or 3.11 on PATH by itself; or name one: make $target PYTHON=/path/to/python$NEWEST):"
    say "  Linux:   sudo apt install python$NEWEST python$NEWEST-venv (Ubuntu: add ppa:deadsnakes/ppa first if your release lacks it), or pyenv install $NEWEST && pyenv local $NEWEST"
    say "  macOS:   brew install python@$NEWEST"
    say "  Windows: the Python $NEWEST installer from https://www.python.org/downloads/windows/, then py -$NEWEST -m venv .venv (README, \"Set-up without make\")"
}

# The interpreter to build with, in $chosen / $chosen_version; what was tried, in $found.
choose() {
    chosen="" chosen_version="" found=""
    if [ -n "$python" ]; then
        v=$(version_of "$python")
        if [ -z "$v" ]; then
            found="PYTHON=$python does not run"
        elif is_supported "$v"; then
            chosen=$python chosen_version=$v
        else
            found="PYTHON=$python is Python $v"
        fi
        return 0
    fi
    missing=""
    for c in $CANDIDATES; do
        v=$(version_of "$c")
        if [ -z "$v" ]; then
            missing="$missing${missing:+, }$c"
        elif is_supported "$v"; then
            chosen=$c chosen_version=$v
            return 0
        else
            found="$found${found:+; }$c is Python $v"
        fi
    done
    if [ -z "$found" ]; then
        found="no Python on PATH ($missing: none of them runs)"
    elif [ -n "$missing" ]; then
        found="$found; no $missing on PATH"
    fi
}

needs="The course needs Python $supported_list (its pinned TensorFlow 2.21 has no wheels for 3.14, NumPy 2.4 none for 3.10)"

if [ -e "$venv" ]; then
    if [ -e "$venv/bin/python" ] || [ -L "$venv/bin/python" ]; then
        v=$(version_of "$venv/bin/python")
        if [ -n "$v" ] && is_supported "$v"; then
            exit 0
        fi
        if [ -n "$v" ]; then
            say "error: $venv was built with Python $v, which the course does not support."
        else
            say "error: $venv is broken: its python does not run (was the Python it was built with removed or upgraded?)."
        fi
        say "$needs."
        choose
        if [ -n "$chosen" ]; then
            say "Rebuild it (make uses $chosen, Python $chosen_version): rm -rf $venv && make $target${python:+ PYTHON=$python}"
        else
            say "found: $found"
            how_to_get_one
            say "Then rebuild it: rm -rf $venv && make $target"
        fi
        exit 1
    fi
    # A folder without a python in it (made by hand, or left by an interrupted run): fill it in below.
fi

choose
if [ -z "$chosen" ]; then
    say "error: no supported Python found. $needs."
    say "found: $found"
    how_to_get_one
    say "Nothing was created."
    exit 1
fi

existed=no
[ -e "$venv" ] && existed=yes
say "creating $venv with $chosen (Python $chosen_version)"
if ! "$chosen" -m venv "$venv"; then
    # Leave no half-made environment behind: the next make would take it for a working one.
    [ "$existed" = no ] && rm -rf "$venv"
    say "error: $chosen could not create $venv (Debian/Ubuntu: sudo apt install python${chosen_version%.*}-venv, then run make $target again)"
    exit 1
fi
