# shellcheck shell=bash
# scripts/lib/debian-apt.sh — sourced (bash) by scripts/fetch-sysroot,
# scripts/fetch-gdb and scripts/fetch-qemu: fetches a set of Debian packages
# with all their dependencies, for any suite and architecture, with apt-get against a private
# state, and unpacks them into a folder. Never installs on the host.
#
# Owns: finding the Debian archive URIs in the machine's own apt sources, the
# private apt folder (sources list, lists, cache, empty dpkg status),
# dependency resolution, download, unpacking. Does not own: which packages,
# where the result goes, fix-ups after unpacking, cache stamps (the callers).
#
# The caller sets, before calling anything:
#   DEBIAN_APT_PROG         name for messages ("fetch-sysroot")
#   DEBIAN_APT_SKIP_STATUS  exit status when packages cannot be fetched (no
#                           network, no Debian source, not a Debian host)
# then, in order:
#   debian_apt_setup APT_DIR SUITE ARCH   private apt folder; sets DEBIAN_APT
#                                         (the apt-get options array)
#   debian_apt_update                     apt-get update
#   debian_apt_resolve PACKAGE...         sets DEBIAN_APT_PINS (NAME=VERSION,
#                                         the packages and all dependencies)
#   debian_apt_download                   the .debs of DEBIAN_APT_PINS missing
#                                         from APT_DIR/debs
#   debian_apt_unpack DEST                dpkg-deb -x each of them into DEST
#
# How: the archive URIs are those of the `deb` entries of /etc/apt/sources.list,
# sources.list.d/*.list and *.sources (deb822) whose suite is a Debian release
# (codename or stable/testing/unstable, optionally -updates), leaving out
# security archives, disabled deb822 stanzas and third-party repositories; the
# private sources list is `deb [arch=ARCH signed-by=KEYRING] URI SUITE main`
# for each. With APT::Architecture=ARCH and an empty dpkg status, a simulated
# `apt-get -s install` lists each package with all its dependencies; `apt-get
# download` fetches exactly those versions.

debian_apt_cant_fetch() {
  echo "$DEBIAN_APT_PROG: $*" >&2
  exit "$DEBIAN_APT_SKIP_STATUS"
}

# One URI per line. awk only: mawk is on every Debian system, python3 may not be.
debian_apt_uris() {
  local files=() f
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && files+=("$f"); done
  for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || return 0
  awk '
    function release(s) {
      sub(/-updates$/, "", s)
      return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|testing|unstable|oldstable|oldoldstable)$/
    }
    function emit(types, uris, suites,    nt, t, ns, su, nu, u, i, ok) {
      nt = split(types, t, /[ \t]+/); ok = 0
      for (i = 1; i <= nt; i++) if (t[i] == "deb") ok = 1
      if (!ok) return
      ok = 0; ns = split(suites, su, /[ \t]+/)
      for (i = 1; i <= ns; i++) if (release(su[i])) ok = 1
      if (!ok) return
      nu = split(uris, u, /[ \t]+/)
      for (i = 1; i <= nu; i++) {
        if (u[i] == "" || u[i] ~ /security/) continue
        sub(/\/+$/, "", u[i]); print u[i]
      }
    }
    function flush() {
      if (types != "" && enabled) emit(types, uris, suites)
      types = ""; uris = ""; suites = ""; enabled = 1; key = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    !deb822 {
      line = $0; sub(/#.*/, "", line)
      if (line !~ /^[ \t]*deb[ \t]/) next
      sub(/^[ \t]*deb[ \t]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
      n = split(line, f, /[ \t]+/)
      if (n >= 2) emit("deb", f[1], f[2])
      next
    }
    /^[ \t]*$/ { flush(); next }
    /^#/ { next }
    /^[ \t]/ { next }                       # continuation (e.g. an inline key)
    {
      key = tolower($0); sub(/:.*/, "", key)
      val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "enabled") enabled = (tolower(val) !~ /^(no|false|0)$/)
    }
    END { flush() }
  ' "${files[@]}" | awk '!seen[$0]++'
}

debian_apt_setup() {
  DEBIAN_APT_DIR="$1"; DEBIAN_APT_SUITE="$2"; DEBIAN_APT_ARCH="$3"
  local tool uri
  for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null \
      || debian_apt_cant_fetch "$tool not found (a Debian host is needed)"
  done
  mkdir -p "$DEBIAN_APT_DIR"/{etc,state/lists/partial,cache/archives/partial,dpkg,debs}
  : > "$DEBIAN_APT_DIR/dpkg/status"
  local sources="$DEBIAN_APT_DIR/etc/sources.list"
  # Newer suites' Release files are signed by keys of the Debian archive
  # keyring (package debian-archive-keyring; bookworm's already holds the
  # trixie keys, which also sign testing and unstable).
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || debian_apt_cant_fetch "$keyring not found (package debian-archive-keyring)"
  : > "$sources.new"
  while read -r uri; do
    [ -n "$uri" ] && echo "deb [arch=$DEBIAN_APT_ARCH signed-by=$keyring] $uri $DEBIAN_APT_SUITE main" \
      >> "$sources.new"
  done < <(debian_apt_uris)
  [ -s "$sources.new" ] \
    || debian_apt_cant_fetch "no Debian archive found in /etc/apt/sources.list{,.d/*}"
  mv "$sources.new" "$sources"
  DEBIAN_APT=(
    -o "Dir::Etc::SourceList=$sources"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "Dir::State=$DEBIAN_APT_DIR/state"
    -o "Dir::State::status=$DEBIAN_APT_DIR/dpkg/status"
    -o "Dir::Cache=$DEBIAN_APT_DIR/cache"
    -o "APT::Architecture=$DEBIAN_APT_ARCH"
    -o "APT::Architectures=$DEBIAN_APT_ARCH"
    -o "Acquire::Languages=none"
    -o "APT::Install-Recommends=false"
    -o "APT::Install-Suggests=false"
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=true"
  )
}

debian_apt_update() {
  echo "$DEBIAN_APT_PROG: apt-get update ($DEBIAN_APT_SUITE/$DEBIAN_APT_ARCH)" >&2
  if ! apt-get "${DEBIAN_APT[@]}" -q update >"$DEBIAN_APT_DIR/update.log" 2>&1 \
     || grep -qE '^(W|E): (Failed|Some index files failed)' "$DEBIAN_APT_DIR/update.log"; then
    cat "$DEBIAN_APT_DIR/update.log" >&2
    debian_apt_cant_fetch "apt-get update failed (no network?)"
  fi
}

# With an empty dpkg status, a simulated install lists every package needed.
debian_apt_resolve() {
  if ! apt-get "${DEBIAN_APT[@]}" -s install "$@" >"$DEBIAN_APT_DIR/simulate.log" 2>&1; then
    cat "$DEBIAN_APT_DIR/simulate.log" >&2
    echo "$DEBIAN_APT_PROG: dependency resolution failed" >&2
    exit 1
  fi
  mapfile -t DEBIAN_APT_PINS < <(sed -nE 's/^Inst ([^ ]+) \(([^ ]+) .*/\1=\2/p' \
                                   "$DEBIAN_APT_DIR/simulate.log" | sort -u)
  [ ${#DEBIAN_APT_PINS[@]} -gt 0 ] || { echo "$DEBIAN_APT_PROG: nothing to install?" >&2; exit 1; }
}

# apt-get download names files NAME_VERSION_ARCH.deb with ':' as %3a.
debian_apt_deb_prefix() {
  local name="${1%%=*}" ver="${1#*=}"
  echo "$DEBIAN_APT_DIR/debs/${name}_${ver//:/%3a}_"
}

debian_apt_download() {
  local todo=() pv
  for pv in "${DEBIAN_APT_PINS[@]}"; do
    ls "$(debian_apt_deb_prefix "$pv")"*.deb >/dev/null 2>&1 || todo+=("$pv")
  done
  [ ${#todo[@]} -gt 0 ] || return 0
  echo "$DEBIAN_APT_PROG: downloading ${#todo[@]} of ${#DEBIAN_APT_PINS[@]} packages" >&2
  if ! (cd "$DEBIAN_APT_DIR/debs" && apt-get "${DEBIAN_APT[@]}" -q download "${todo[@]}") \
       >"$DEBIAN_APT_DIR/download.log" 2>&1; then
    cat "$DEBIAN_APT_DIR/download.log" >&2
    debian_apt_cant_fetch "apt-get download failed (no network?)"
  fi
}

debian_apt_unpack() {
  local dest="$1" pv deb
  mkdir -p "$dest"
  for pv in "${DEBIAN_APT_PINS[@]}"; do
    for deb in "$(debian_apt_deb_prefix "$pv")"*.deb; do
      dpkg-deb -x "$deb" "$dest"
    done
  done
}
