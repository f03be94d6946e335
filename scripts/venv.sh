# Sourced by the other scripts: makes .venv with Python 3.11+ and installs the requirements once
# (again only when a requirements file changes). Usage: source scripts/venv.sh [requirements file]
requirements="${1:-requirements.txt}"
python_bin="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Python 3.11 or newer is needed (found $("$python_bin" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
}
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
digest="$(cat requirements*.txt | sha256sum | cut -c1-16)"
stamp=".venv/.installed-$digest-$(basename "$requirements")"
# The development requirements include the runtime ones.
if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-$digest-requirements-dev.txt" ]; then
  echo "Installing $requirements into .venv …"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
