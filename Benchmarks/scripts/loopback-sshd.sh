#!/usr/bin/env bash
# A loopback OpenSSH server for the remote-stage benchmark (13), set up the way the tests'
# SSHTestHosts does it: its own host key and user key, reached as host `bench` through
# DIR/ssh_config, and a shared connection (ControlMaster) at DIR/master for the multiplexed row.
#
#   Benchmarks/scripts/loopback-sshd.sh DIR OWNER_PID
#
# Does nothing when DIR's server and master already run (the driver calls it before every round).
# Everything it starts goes away once OWNER_PID (the driver) has exited.
set -eu
dir=$1 owner=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
config=$dir/ssh_config

if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null &&
    ssh -F "$config" -S "$dir/master" -O check bench 2>/dev/null; then
    exit 0
fi

chmod 700 "$dir"
rm -f "$dir"/*_key "$dir"/*_key.pub "$dir/master"
ssh-keygen -q -t ed25519 -N '' -C host -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -C user -f "$dir/user_key"
cp "$dir/user_key.pub" "$dir/authorized_keys"
echo "bench $(cut -d' ' -f1-2 "$dir/host_key.pub")" > "$dir/known_hosts"
# sshd refuses to start as root without its privilege-separation directory.
if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; fi

for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    cat > "$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel ERROR
EOF
    # Its output goes to files: the driver reads this script's pipes to their end.
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >/dev/null 2>>"$dir/sshd.log" &
    sshd=$!
    echo "$sshd" > "$dir/sshd.pid"
    up=0
    for _ in $(seq 500); do
        kill -0 "$sshd" 2>/dev/null || break
        if (exec 3<>"/dev/tcp/127.0.0.1/$port" && head -c 8 <&3 | grep -q '^SSH-2.0') 2>/dev/null; then up=1; break; fi
        sleep 0.01
    done
    [ "$up" = 1 ] && break
    kill "$sshd" 2>/dev/null || true
done
[ "$up" = 1 ] || { echo "loopback-sshd: sshd did not start: $(cat "$dir/sshd.log")" >&2; exit 1; }

cat > "$config" <<EOF
Host bench
    HostName 127.0.0.1
    Port $port
    IdentityFile $dir/user_key
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    GlobalKnownHostsFile /dev/null
    HostKeyAlias bench
    CheckHostIP no
    BatchMode yes
EOF
ssh -F "$config" -o ControlMaster=yes -o ControlPath="$dir/master" -o ControlPersist=yes -fN bench \
    </dev/null >/dev/null 2>>"$dir/master.log"

# The watchdog: the driver has no teardown step, so this stops the server and the master after it.
(
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    ssh -F "$config" -S "$dir/master" -O exit bench 2>/dev/null || true
    kill "$sshd" 2>/dev/null || true
) </dev/null >/dev/null 2>&1 &
