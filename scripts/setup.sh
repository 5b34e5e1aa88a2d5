#!/usr/bin/env bash
# Sets up everything ShopCast needs on Debian/Ubuntu, idempotently:
#   scripts/setup.sh demo   - what running the studio and the relay needs (./demo.sh runs it)
#   scripts/setup.sh test   - that plus the test tools: ffmpeg, Chromium, Xvfb, dev packages (./test.sh)
# Debian packages are installed when running as root; otherwise the missing ones are named with the
# command to install them. Python packages go into .venv (pinned by requirements/constraints.txt),
# npm packages into node_modules (pinned by package-lock.json). Steps whose inputs have not changed
# since the last run are skipped.
set -euo pipefail
# Stop when interrupted, even if the interrupted step (apt-get, say) exits as if nothing happened.
trap 'echo "interrupted" >&2; exit 130' INT TERM

cd "$(dirname "$0")/.."
purpose="${1:-demo}"
case "$purpose" in demo | test) ;; *) echo "usage: $0 demo|test" >&2; exit 2 ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- Debian packages ---------------------------------------------------------------------------------
runtime_debs=(
  ca-certificates            # HTTPS to the package registries
  libportaudio2              # microphone input (sounddevice)
  libpulse0                  # Qt multimedia
  libglib2.0-0               # libQt6Core and lrelease link glib
  fonts-wqy-microhei         # Chinese text in the studio (boxes without a CJK font)
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1   # Qt's xcb platform plugin
)
test_debs=(
  ffmpeg chromium xvfb xauth xdotool   # xdotool: benchmarks/startup.py sees windows appear
  libatomic1                 # Playwright's bundled node driver links it (gcc brings it on a dev box)
  wrk                        # the HTTP load generator of benchmarks/orders.py
  nginx-light libnginx-mod-rtmp   # a real RTMP ingest for the multi-destination tests
  espeak-ng                  # speech for the denoise quality tests
  janus janus-tools          # a WHIP server that is not our code (Janus gateway) and janus-pp-rec
  redis-server postgresql    # the scale-out stores, started by the tests on free ports (tests/helpers/servers.py)
  dpkg-dev binutils python3-dev   # the studio's .deb: dpkg-shlibdeps names its dependencies, PyInstaller reads
                                 # ELF files and needs Python as a shared library (Debian's: libpython3.11)
)

missing=()
if command -v dpkg >/dev/null 2>&1; then
  wanted=("${runtime_debs[@]}")
  [ "$purpose" = test ] && wanted+=("${test_debs[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  # Node.js may come from Debian or from NodeSource; only ask Debian for it when there is none.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python ----------------------------------------------------------------------------------------
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "ShopCast needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || { say "Creating .venv"; "$python" -m venv .venv; }

extra=""
[ "$purpose" = test ] && extra="[dev]"
stamp=".venv/.shopcast-$purpose"
inputs="$(cat pyproject.toml requirements/constraints.txt | sha256sum | cut -d' ' -f1)"
installed() { [ "$(cat ".venv/.shopcast-$1" 2>/dev/null)" = "$inputs" ]; }
# The test install is a superset of the demo install.
if ! installed "$purpose" && ! { [ "$purpose" = demo ] && installed test; }; then
  say "Installing Python packages${extra:+ (with test tools)}"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  # A shopcast.egg-info left in the checkout by an older install would shadow the new entry points
  # (the plugins) for anything run from here: the installed metadata is the one that counts.
  rm -rf shopcast.egg-info
  .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements/constraints.txt -e ".$extra"
  echo "$inputs" >"$stamp"
fi

# --- npm (hls.js for the viewer page) ----------------------------------------------------------------
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.shopcast-lock 2>/dev/null)" != "$lock" ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" >node_modules/.shopcast-lock
fi

# --- translations ------------------------------------------------------------------------------------
for ts in assets/translations/*.ts; do
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    say "Compiling $ts"
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
  fi
done
