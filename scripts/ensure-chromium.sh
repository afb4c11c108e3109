#!/usr/bin/env bash
# Makes sure Debian's Chromium and a CJK font exist for the browser tests (notice boards are
# Chinese). Playwright drives /usr/bin/chromium; `playwright install` cannot download here.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# Without a CJK font the boards render as boxes: the test would pass but show nothing readable.
if ! { command -v fc-list >/dev/null && fc-list :lang=zh family | grep -q .; }; then
  need+=(fonts-noto-cjk fontconfig)
fi
if [ "${#need[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "missing for the browser tests: ${need[*]}; run 'sudo apt-get install -y ${need[*]}'" >&2
  exit 1
fi
echo "installing ${need[*]} from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
