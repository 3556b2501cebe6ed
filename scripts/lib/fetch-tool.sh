# shellcheck shell=bash
# scripts/lib/fetch-tool.sh — sourced (bash) by the scripts that unpack a
# newer Debian host (amd64) tool into the build folder as an oracle or a
# client: scripts/fetch-gdb, scripts/fetch-qemu, scripts/fetch-lldb.
#
# Owns: what those scripts share — their command line ([--suite SUITE]
# [--skip-status N] [--force] [DIR]; DIR defaults to
# build/TOOL-SUITE-amd64 in the repo), the cache stamp (suite, arch, packages on its first line,
# the pinned versions after it), refusing to replace a DIR it did not make,
# the fetch (scripts/lib/debian-apt.sh) into DIR.new and the final move to
# DIR. Does not own: which suite and packages, the wrapper each tool needs
# and the check that it runs (the caller's fetch_tool_wrap function).
#
# The caller sets FETCH_TOOL_NAME (fetch-TOOL: messages, the stamp file
# DIR/.hart-TOOL-stamp, the default DIR), FETCH_TOOL_SUITE (the default
# suite), FETCH_TOOL_PACKAGES (array), FETCH_TOOL_WRAPPER (the wrapper's name
# inside DIR), defines
#   fetch_tool_wrap TMP   writes TMP/$FETCH_TOOL_WRAPPER, checks that it runs
#                         (exit 1 with a message if not) and prints its
#                         version line on stdout
# and calls `fetch_tool_main "$@"`. The last line printed on stdout is the
# wrapper's absolute path.

fetch_tool_main() {
  local here skip_status=1 force=0 dir=""
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  while [ $# -gt 0 ]; do
    case "$1" in
      --skip-status) skip_status="$2"; shift 2 ;;
      --suite) FETCH_TOOL_SUITE="$2"; shift 2 ;;
      --force) force=1; shift ;;
      -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
      -*) echo "$FETCH_TOOL_NAME: unknown option $1" >&2; exit 2 ;;
      *) dir="$1"; shift ;;
    esac
  done
  dir="${dir:-$(dirname "$here")/../build/${FETCH_TOOL_NAME#fetch-}-$FETCH_TOOL_SUITE-amd64}"
  mkdir -p "$(dirname "$dir")"
  dir="$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")"
  local stamp="$dir/.hart-${FETCH_TOOL_NAME#fetch-}-stamp"
  local want_stamp="suite=$FETCH_TOOL_SUITE arch=amd64 packages=${FETCH_TOOL_PACKAGES[*]}"
  local wrapper="$dir/$FETCH_TOOL_WRAPPER"

  if [ "$force" = 0 ] && [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$want_stamp" ] \
     && [ -x "$wrapper" ]; then
    echo "$wrapper"
    exit 0
  fi
  if [ -e "$dir" ] && [ ! -f "$stamp" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "$FETCH_TOOL_NAME: $dir exists and was not made by this script; not touching it" >&2
    exit 1
  fi

  # shellcheck source=debian-apt.sh
  . "$here/debian-apt.sh"
  DEBIAN_APT_PROG=$FETCH_TOOL_NAME
  DEBIAN_APT_SKIP_STATUS=$skip_status
  [ "$(uname -m)" = x86_64 ] || debian_apt_cant_fetch "an x86-64 host is needed (this is $(uname -m))"

  debian_apt_setup "$dir.apt" "$FETCH_TOOL_SUITE" amd64
  debian_apt_update
  debian_apt_resolve "${FETCH_TOOL_PACKAGES[@]}"
  debian_apt_download

  local tmp="$dir.new" version
  rm -rf "$tmp"
  debian_apt_unpack "$tmp"
  version="$(fetch_tool_wrap "$tmp")" || exit 1
  chmod +x "$tmp/$FETCH_TOOL_WRAPPER"
  {
    echo "$want_stamp"
    printf '%s\n' "${DEBIAN_APT_PINS[@]}"
  } > "$tmp/${stamp##*/}"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  echo "$FETCH_TOOL_NAME: ${#DEBIAN_APT_PINS[@]} packages unpacked: $version" >&2
  echo "$wrapper"
}
