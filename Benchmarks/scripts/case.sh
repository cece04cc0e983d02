# Benchmark 10: `for` over 80 words classified by `case` patterns, counts kept in variables.
# $1: rounds (the words are written out: cpl does not split a variable's value into words).
n=$1 digit=0 abc=0 upper=0 dash=0 other=0
while [ $n -gt 0 ]; do
    for w in \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up \
        apple banana cherry 42 x-ray zebra Tango 7up
    do
        case $w in
            [0-9]*) digit=$((digit + 1)) ;;
            a*|b*|c*) abc=$((abc + 1)) ;;
            [A-Z]*) upper=$((upper + 1)) ;;
            *-*) dash=$((dash + 1)) ;;
            *) other=$((other + 1)) ;;
        esac
    done
    n=$((n - 1))
done
echo $digit $abc $upper $dash $other
