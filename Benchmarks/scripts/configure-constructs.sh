# Constructs autoconf configure scripts use most, without programs (callgrind cannot follow
# children): run as `cpl --posix Benchmarks/scripts/configure-constructs.sh`; prints 1489.
as_fn_append () { eval $1=\$$1\$2; }
ac_config_files=
i=0
while test $i -lt 200; do
  ac_var=ac_cv_header_$i
  eval ac_val=\${$ac_var}
  case $ac_val in *\ *) ac_val=x ;; '') ac_val=no ;; esac
  if test "x$ac_val" = xyes; then :; else as_fn_append ac_config_files " file$i"; fi
  ac_out=`echo "checking $i" | { read a b; echo $b; }`
  { printf '%s\n' "configure:$LINENO: checking for $ac_var" >&5; } 5>/dev/null
  test -n "$ac_out" && ac_x=$(printf %s "$ac_out")
  i=$((i + 1))
done
echo "$ac_config_files" | { read x; echo ${#x}; }
