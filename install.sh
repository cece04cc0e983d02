#!/bin/sh
# Builds cpl in release mode and installs it as PREFIX/bin/cpl (PREFIX defaults to ~/.local), so
# that `cpl` and `#!/usr/bin/env cpl` scripts work from PATH.
#   ./install.sh                    # ~/.local/bin/cpl
#   PREFIX=/usr/local ./install.sh  # /usr/local/bin/cpl (as root)
set -eu
cd "$(dirname "$0")"
prefix=${PREFIX:-$HOME/.local}
swift build -c release --product cpl
mkdir -p "$prefix/bin"
install -m 755 "$(swift build -c release --show-bin-path)/cpl" "$prefix/bin/cpl"
echo "installed $prefix/bin/cpl"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "note: $prefix/bin is not on PATH; add it, e.g. in ~/.profile: PATH=\"$prefix/bin:\$PATH\"" ;;
esac
