# Shared by the packaging scripts (sourced, not run): where things are, the version, the release
# binary, and the one layout of installed files that install, the .deb and the tarball use.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$("$repo/scripts/version")

# The release binary, built (incrementally) unless CPL_BIN names one; refused when its
# --version is not this tree's, so that a stale build is never packaged under a new version.
release_binary() {
  local binary=${CPL_BIN:-}
  if [[ -z $binary ]]; then
    "$repo/scripts/build-release" >&2
    binary="$repo/.build/release/cpl"
  fi
  local reported
  reported=$("$binary" --version) || { echo "$0: $binary does not run" >&2; return 1; }
  if [[ $reported != "cpl $version" ]]; then
    echo "$0: $binary says '$reported', the sources say 'cpl $version': rebuild it" >&2
    return 1
  fi
  echo "$binary"
}

# Installs the binary (stripped: symbols are not needed to run, and Debian wants them gone), the
# man page and the completions under ROOT (DESTDIR + prefix). ZSH_DIR is relative to ROOT because
# distributions differ (share/zsh/site-functions upstream, share/zsh/vendor-completions in Debian).
# Prints each file it wrote, relative to ROOT.
place_files() {
  local binary=$1 root=$2 zsh_dir=$3
  install -d -m 755 "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" "$root/$zsh_dir"
  install -m 755 "$binary" "$root/bin/cpl"
  strip --strip-unneeded --remove-section=.comment "$root/bin/cpl"
  install -m 644 "$repo/doc/cpl.1" "$root/share/man/man1/cpl.1"
  install -m 644 "$repo/completions/cpl.bash" "$root/share/bash-completion/completions/cpl"
  install -m 644 "$repo/completions/_cpl" "$root/$zsh_dir/_cpl"
  printf '%s\n' bin/cpl share/man/man1/cpl.1 share/bash-completion/completions/cpl "$zsh_dir/_cpl"
}

# Re-runs this script as root through sudo (keeping PREFIX, DESTDIR and CPL_BIN, so that root
# needs no Swift) when the current user cannot write to the nearest existing ancestor of PATH: a
# default /usr/local install by a user. Returns when no re-run is needed.
rerun_as_root_unless_writable() {
  local path=$1
  while [[ ! -e $path ]]; do path=$(dirname "$path"); done
  [[ -w $path ]] && return 0
  if ((EUID != 0)) && command -v sudo >/dev/null; then
    exec sudo env PREFIX="$prefix" DESTDIR="${DESTDIR:-}" CPL_BIN="${CPL_BIN:-}" "$0"
  fi
  echo "$0: cannot write to $path: run as root, or choose PREFIX= (e.g. PREFIX=~/.local)" >&2
  exit 1
}
