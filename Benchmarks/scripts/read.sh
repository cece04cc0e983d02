# Benchmark 11: `while read -r a b c` summarising a file of lines `WORD NUMBER REST`. $1: the file.
lines=0 total=0 alpha=0
while read -r a b c; do
    lines=$((lines + 1)); total=$((total + b))
    case $a in alpha) alpha=$((alpha + 1)) ;; esac
done < "$1"
echo $lines $total $alpha
