#!/usr/bin/env bash
# Installs the real components the tests run against, when missing (Debian; needs root).
set -euo pipefail
need=()
for pair in tcpdump:tcpdump tshark:tshark editcap:tshark curl:curl wrk:wrk nginx:nginx-light squid:squid \
            tinyproxy:tinyproxy ab:apache2-utils chromium:chromium openssl:openssl ip:iproute2 \
            redis-server:redis-server prometheus:prometheus; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || [[ -x /usr/sbin/$cmd ]] || need+=("$pkg")
done
# dumpcap (pcapng tests) ships with tshark's dependency; GNU time (peak RSS in bench/capture.mjs) is a
# shell keyword too, so look for the binary.
command -v dumpcap >/dev/null 2>&1 || need+=(tshark)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "missing system packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi
