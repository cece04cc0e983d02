#!/usr/bin/env bash
# The `configure` of the POSIX-mode benchmark (14): generated once with autoconf from the autoconf
# tests' `demo` project (Tests/CommandTests/Autoconf/demo) into DIR/demo, and DIR/sh, a link to
# cpl for CONFIG_SHELL (README: POSIX mode).
#
#   Benchmarks/scripts/configure-fixture.sh DIR CPL
set -eu
dir=$1 cpl=$2
mkdir -p "$dir"
ln -sfn "$cpl" "$dir/sh"
[ -x "$dir/demo/configure" ] && exit 0
rm -rf "$dir/demo"
cp -R Tests/CommandTests/Autoconf/demo "$dir/demo"
cd "$dir/demo"
autoconf
autoheader
rm -rf autom4te.cache
