# Benchmark 9: function calls: recursive fib with `local`, `[ … ]` and `$((…))`. $1: n.
fib() {
    local n=$1
    if [ "$n" -lt 2 ]; then
        r=$n
        return
    fi
    local a
    fib $((n - 1)); a=$r
    fib $((n - 2)); r=$((a + r))
}
fib $1
echo $r
