#!/usr/bin/env bash
# Real OpenSSH servers on loopback ports, for the tests of remote stages (SSHTestHosts) and the
# remote-stage benchmark (13): the one way both start them. Nothing outside this machine is reached.
#
#   Tests/TestSupport/loopback-sshd.sh DIR OWNER_PID NAME...
#
# Starts one sshd per NAME, each with a host key of its own, all accepting one generated user key
# (DIR/user_key), and writes DIR/ssh_config, in which NAME reaches its server (`ssh -F
# DIR/ssh_config NAME …`). Each server sets CPL_TEST_HOST=NAME in the remote environment, so a
# command can tell the hosts apart although they are one machine, and SHLVL=1: bash, when sshd
# starts it at level 0, reads ~/.bashrc even for `bash -c`, and a developer's rc (pyenv's, on the
# machine this was measured on: ~100 processes, 100 ms a session) would be most of what every remote
# command costs, in the tests and in each row of benchmark 13 alike, hiding what the connection
# costs. Three more names reach the first server in ways that must fail: `denied` offers a key the
# servers do not accept, `stranger` finds no known host key, `closed` a port nobody listens on.
# DIR/ports gets a `NAME PORT` line per server.
#
# Exits once every server answers with its SSH banner (status 1, and why, if one does not); the
# servers stop once OWNER_PID has exited, however it ends. Does nothing when DIR's servers already
# run (the benchmark calls it before every round).
set -eu
dir=$1 owner=$2
shift 2
mkdir -p "$dir"
chmod 700 "$dir"
dir=$(cd "$dir" && pwd)

running() {
    [ -f "$dir/ports" ] || return 1
    for name in "$@"; do
        [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || return 1
    done
}
if running "$@"; then exit 0; fi

rm -f "$dir"/*_key "$dir"/*_key.pub "$dir/ports"
for key in user denied "$@"; do ssh-keygen -q -t ed25519 -N '' -C "$key" -f "$dir/${key}_key"; done
cp "$dir/user_key.pub" "$dir/authorized_keys"
: > "$dir/known_hosts"
for name in "$@"; do echo "$name $(cut -d' ' -f1-2 "$dir/${name}_key.pub")" >> "$dir/known_hosts"; done
: > "$dir/empty_known_hosts"
# sshd refuses to start as root without its privilege-separation directory.
if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; fi

# Whether the server on port $1 answers with its banner before sshd $2 gives up.
answers() {
    for _ in $(seq 3000); do
        kill -0 "$2" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 8 <&3 | grep -q '^SSH-2.0') 2>/dev/null; then return 0; fi
        sleep 0.01
    done
    return 1
}

for name in "$@"; do
    up=0
    # A port taken between choosing and binding makes that sshd exit: choose again.
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        cat > "$dir/${name}_sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $dir/${name}_key
PidFile $dir/$name.sshd.pid
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
SetEnv CPL_TEST_HOST=$name SHLVL=1
LogLevel INFO
EOF
        # Its output goes to files: the callers read this script's pipes to their end.
        /usr/sbin/sshd -D -e -f "$dir/${name}_sshd_config" </dev/null >/dev/null 2>>"$dir/$name.log" &
        sshd=$!
        if answers "$port" "$sshd"; then up=1; break; fi
        kill "$sshd" 2>/dev/null || true
    done
    [ "$up" = 1 ] || { echo "loopback-sshd: sshd for $name did not start: $(cat "$dir/$name.log")" >&2; exit 1; }
    echo "$sshd" > "$dir/$name.pid"
    echo "$name $port" >> "$dir/ports"
    # The watchdog: neither caller has a teardown step that always runs.
    (
        while kill -0 "$owner" 2>/dev/null; do sleep 1; done
        # A connection's sshd is in a session of its own and outlives the listener, and with it the
        # ControlMaster at its other end: end them while they are still the listener's children.
        connections=$(pgrep -P "$sshd" || true)
        kill "$sshd" $connections 2>/dev/null || true
    ) </dev/null >/dev/null 2>&1 &
done

entry() {  # alias port key known_hosts key_alias
    cat <<EOF
Host $1
    HostName 127.0.0.1
    Port $2
    IdentityFile $dir/$3_key
    IdentitiesOnly yes
    UserKnownHostsFile $dir/$4
    GlobalKnownHostsFile /dev/null
    HostKeyAlias $5
    CheckHostIP no
    BatchMode yes
    ConnectTimeout 30

EOF
}
{
    while read -r name port; do entry "$name" "$port" user known_hosts "$name"; done < "$dir/ports"
    read -r first port < "$dir/ports"
    entry denied "$port" denied known_hosts "$first"
    entry stranger "$port" user empty_known_hosts stranger
    # Port 1 (tcpmux, privileged): nothing listens there, so connecting is refused.
    entry closed 1 user known_hosts closed
} > "$dir/ssh_config"
