#!/usr/bin/env bash
# Install the Debian packages Kisha's tests and benchmarks need, when they are missing:
# chromium and CJK fonts for browser tests, PostgreSQL and Redis servers for the second test
# run and the counters, nginx and Varnish (with the xkey vmod) for the deployment tests, wrk for
# the benchmarks; Java and Node.js for the HTML checker. Safe to run repeatedly.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# grep reads to the end (no -q): under pipefail a writer cut off by SIGPIPE fails the test.
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# nginx: the shipped front (deploy/nginx) runs in the tests, in front of two app servers.
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || need+=(nginx-light)
# Varnish 7.1 and varnish-modules (xkey): the shipped cache (deploy/varnish) runs in the tests.
[ -x /usr/sbin/varnishd ] || need+=(varnish)
compgen -G "/usr/lib/*/varnish/vmods/libvmod_xkey.so" >/dev/null \
  || [ -e /usr/lib/varnish/vmods/libvmod_xkey.so ] || need+=(varnish-modules)
# Java runs the Nu Html Checker (tests/seo/test_html.py); Node.js and npm install it and
# Lighthouse from the npm registry (scripts/install-quality-tools.sh).
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${KISHA_BENCH:-0}" = "1" ]; then
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${need[*]}"
sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Need root to install ${need[*]}; install them and run again." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# policy-rc.d keeps the package scripts from starting services we start ourselves.
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

# Debian's varnish package enables and starts varnish.service (and varnishncsa) on port 6081
# with its own default VCL. The tests start their own varnishd on free ports, and production
# runs it with deploy/varnish/kisha.vcl (docs/operations.md), so a package just installed here
# must not keep one running or starting at boot. Only on a machine that runs systemd; where
# policy-rc.d forbids starting services (containers) nothing was started.
if [[ " ${need[*]} " == *" varnish "* ]] && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now varnish.service varnishncsa.service >/dev/null 2>&1 || true
fi
