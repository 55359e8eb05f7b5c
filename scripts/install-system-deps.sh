#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Amtsbote needs, but only those that are missing.
#
#   scripts/install-system-deps.sh          what `make run` needs
#   scripts/install-system-deps.sh --test   plus Chromium and PostgreSQL for `make test`
#
# ClamAV's daemon (clamd) scans every upload (docs/security.md). Its signatures come from
# ClamAV's mirror through freshclam: fetched here when there are none yet and the mirror can
# be reached (otherwise a note; uploads are refused until clamd runs, or accepted unscanned
# only with AMTSBOTE_ANTIVIRUS=off). The tests start their own clamd with a test database.
#
# Runs apt-get as root, or through sudo. Installs uv (from PyPI, via pipx) when it is
# missing. Safe to run again: with everything present it changes nothing.
set -euo pipefail

with_test=0
for arg in "$@"; do
    case "$arg" in
        --test) with_test=1 ;;
        *) echo "usage: $0 [--test]" >&2; exit 2 ;;
    esac
done

# Runtime: Python, gettext (compilemessages), OCR (ocrmypdf 17 needs tesseract and
# ghostscript; unpaper and pngquant are optional optimisers; qpdf comes inside pikepdf),
# WeasyPrint's Pango/HarfBuzz, a font for rendered PDFs, poppler for PDF tools.
packages=(
    python3 ca-certificates curl gettext
    tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng ghostscript unpaper pngquant
    libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
    clamav-daemon clamav-freshclam
)
if [[ $with_test == 1 ]]; then
    # Playwright drives Debian's Chromium (/usr/bin/chromium); tests also run on PostgreSQL;
    # the mailroom corpus (tests/corpus) types its letters in Liberation and URW fonts.
    packages+=(chromium postgresql fonts-liberation fonts-urw-base35)
fi

SUDO=()
if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null; then
        SUDO=(sudo)
    fi
fi

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# Node.js may come from Debian or from NodeSource (whose nodejs package contains npm).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ! command -v uv >/dev/null && ! [[ -x $HOME/.local/bin/uv ]] && ! command -v pipx >/dev/null; then
    missing+=(pipx)
fi

if ((${#missing[@]})); then
    if [[ $(id -u) != 0 && ${#SUDO[@]} == 0 ]]; then
        echo "Missing system packages: ${missing[*]}" >&2
        echo "Run this as root or install sudo." >&2
        exit 1
    fi
    echo "==> Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "==> System packages: all present"
fi

if ! command -v uv >/dev/null && ! [[ -x $HOME/.local/bin/uv ]]; then
    echo "==> Installing uv from PyPI (pipx install uv)"
    pipx install uv
fi

# Virus signatures for clamd (production and `make run`; the tests bring their own): only
# when none are there yet.
if [[ $with_test == 0 ]] && command -v freshclam >/dev/null \
    && ! compgen -G "/var/lib/clamav/*.c[lv]d" >/dev/null; then
    echo "==> Fetching ClamAV signatures (freshclam)"
    if ! timeout 300 "${SUDO[@]}" freshclam --quiet; then
        echo "Note: ClamAV signatures could not be fetched (mirror not reachable). clamd" >&2
        echo "cannot start without them: uploads are refused until it runs (docs/security.md)." >&2
    fi
fi

python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [[ $python_version != 3.11 ]]; then
    echo "Note: python3 is $python_version; Amtsbote needs 3.11 (uv will look for one)." >&2
fi
