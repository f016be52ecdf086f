#!/usr/bin/env bash
# Builds the deboil wheel and the deboil-cli wheel (the command) with
# maturin, installs both into a virtual environment, and runs the Python
# tests (python/tests) against them.
#
#   python/run_tests.sh [--release] [PYTEST ARGS...]
#
# The wheel is built with the dev profile unless --release (the profile of a
# published wheel): CI runs right after `cargo test`, whose compiled crates
# the dev build reuses, where a release build costs minutes on two cores.
# Everything lives under target/: the venv (target/py-venv, kept between
# runs), the wheels (target/wheels/PROFILE) and pip's cache. Nothing is
# cached outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROFILE=dev
if [[ "${1:-}" == "--release" ]]; then
  PROFILE=release
  shift
fi
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$TARGET/py-venv"
WHEELS="$TARGET/wheels/$PROFILE"
export PIP_CACHE_DIR="$TARGET/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1
start=$SECONDS

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet -r python/requirements-test.txt


rm -rf "$WHEELS"
flags=()
[[ $PROFILE == release ]] && flags+=(--release)
"$VENV/bin/maturin" build --quiet "${flags[@]}" --out "$WHEELS" --interpreter "$VENV/bin/python"
# The CLI's own wheel (python/cli), the binary cargo built above, installed
# too: the tests compare the library with the command pip installed.
(cd python/cli && "$VENV/bin/maturin" build --quiet "${flags[@]}" --out "$WHEELS")
wheel=$(ls "$WHEELS"/deboil-*.whl)
export DEBOIL_CLI_WHEEL
DEBOIL_CLI_WHEEL=$(ls "$WHEELS"/deboil_cli-*.whl)
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheel" "$DEBOIL_CLI_WHEEL"
export DEBOIL_BIN="$VENV/bin/deboil"
echo "python/run_tests.sh: built and installed $(basename "$wheel") and $(basename "$DEBOIL_CLI_WHEEL") in $((SECONDS - start)) s"

# Dolma (numpy<2) cannot share the venv of datatrove (numpy>=2): its own,
# pinned, for test_dolma.py alone.
DOLMA_VENV="$TARGET/py-venv-dolma"
if [[ ! -x "$DOLMA_VENV/bin/python" ]]; then
  python3 -m venv "$DOLMA_VENV"
fi
"$DOLMA_VENV/bin/python" -m pip install --quiet -r python/requirements-dolma.txt
"$DOLMA_VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheel"
echo "python/run_tests.sh: environments ready in $((SECONDS - start)) s"

# From outside the source tree, so `import deboil` is the installed wheel;
# a library an adapter test needs is required, never skipped.
cd "$ROOT/python/tests"
export DEBOIL_REQUIRE_ADAPTERS=1
# Spark's local mode talks to itself on the loopback address only.
export SPARK_LOCAL_IP=127.0.0.1
for py in "$VENV/bin/python" "$DOLMA_VENV/bin/python"; do
  "$py" - <<'PY'
import deboil, sys
if "site-packages" not in deboil.__file__:
    sys.exit(f"deboil imported from {deboil.__file__}, not from the installed wheel")
PY
done
# pytest's 5 means it collected no test: a failure here, never a pass.
run_pytest() {
  local status=0
  "$@" || status=$?
  if [[ $status -eq 5 ]]; then
    echo "python/run_tests.sh: pytest collected no tests" >&2
  fi
  return $status
}
status=0
run_pytest "$VENV/bin/python" -m pytest -p no:cacheprovider --ignore=test_dolma.py "$@" || status=$?
run_pytest "$DOLMA_VENV/bin/python" -m pytest -p no:cacheprovider test_dolma.py -q || status=$?
echo "python/run_tests.sh: pytest exited $status after $((SECONDS - start)) s"
exit $status
