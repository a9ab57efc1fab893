#!/usr/bin/env bash
# Installs the system pieces a FUSE mount needs (libfuse.so.2 for fuse-native's
# addon, fusermount for unmounting) when they are missing. Idempotent and quiet
# when everything is already there.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q 'libfuse.so.2' || need+=(libfuse2)
command -v fusermount >/dev/null 2>&1 || need+=(fuse)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "bfs setup: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "bfs setup: installing ${need[*]} (for the FUSE mount)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
