#!/usr/bin/env bash
# Installs the benchmark corpus: Debian's HTML documentation of Python 3.11 and PostgreSQL 15 (1,600+ real pages).
set -euo pipefail
packages=()
[ -d /usr/share/doc/python3.11/html ] || packages+=(python3.11-doc)
[ -d /usr/share/doc/postgresql-doc-15/html ] || packages+=(postgresql-doc-15)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
  }
fi
echo "bench corpus: $(find /usr/share/doc/python3.11/html /usr/share/doc/postgresql-doc-15/html -name '*.html' | wc -l) HTML pages"
