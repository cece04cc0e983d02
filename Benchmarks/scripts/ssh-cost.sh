#!/usr/bin/env bash
# What a fresh ssh connection costs against a channel on an existing master, on the loopback sshd
# of the tests (Tests/TestSupport/loopback-sshd.sh): wall time and CPU time per `true`, client side
# (this shell's reaped ssh clients, plus the master's own CPU) and server side (the listening
# sshd's reaped children: each connection's sshd, counted once it has ended). The master row
# includes the master's handshake. For the README's note on benchmark 13.
#
#   Benchmarks/scripts/ssh-cost.sh [COMMANDS [ROUNDS]]      (default 20 commands, 3 rounds)
set -eu
n=${1:-20} rounds=${2:-3}
dir=$(mktemp -d /tmp/ssh-cost-XXXXXX)
trap 'rm -rf "$dir"' EXIT  # the servers stop once this shell has gone
"$(dirname "$0")/../../Tests/TestSupport/loopback-sshd.sh" "$dir" $$ bench
sshd=$(cat "$dir/bench.pid") tick=$(getconf CLK_TCK)
ssh=(ssh -F "$dir/ssh_config")
reaped() { awk '{print $16+$17}' "/proc/$1/stat"; }   # cutime+cstime, in ticks
# The connections' sshds have ended and been reaped.
settle() { for _ in $(seq 200); do [ -z "$(pgrep -P "$sshd")" ] && return; sleep 0.05; done; }
report() {  # label t0 t1 client0 client1 server0 server1
    echo "$1: wall $((($3 - $2) / n / 1000000)) ms, client CPU $((($5 - $4) * 1000 / tick / n)) ms," \
        "server CPU $((($7 - $6) * 1000 / tick / n)) ms per command"
}
for _ in $(seq "$rounds"); do
    settle; s0=$(reaped "$sshd") c0=$(reaped $$) t0=$(date +%s%N)
    for _ in $(seq "$n"); do "${ssh[@]}" -S none bench true; done
    t1=$(date +%s%N) c1=$(reaped $$); settle; s1=$(reaped "$sshd")
    report "fresh connection" "$t0" "$t1" "$c0" "$c1" "$s0" "$s1"

    s0=$(reaped "$sshd") c0=$(reaped $$) t0=$(date +%s%N)
    "${ssh[@]}" -o ControlMaster=yes -o ControlPath="$dir/master" -o ControlPersist=yes -fN bench
    master=$("${ssh[@]}" -S "$dir/master" -O check bench 2>&1 | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
    for _ in $(seq "$n"); do "${ssh[@]}" -S "$dir/master" bench true; done
    t1=$(date +%s%N) own=$(awk '{print $14+$15}' "/proc/$master/stat")
    "${ssh[@]}" -S "$dir/master" -O exit bench 2>/dev/null
    c1=$(($(reaped $$) + own)); settle; s1=$(reaped "$sshd")
    report "existing master " "$t0" "$t1" "$c0" "$c1" "$s0" "$s1"
done
