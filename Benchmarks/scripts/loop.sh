# Benchmark 8: a counting loop of `[`, `$((…))` and assignments. $1: iterations.
i=0; s=0; while [ $i -lt $1 ]; do s=$((s + i % 7)); i=$((i + 1)); done
echo $s
