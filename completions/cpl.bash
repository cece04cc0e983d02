# bash completion for cpl's own options: flags before the script, shell option names after -o/+o,
# files for the script and its arguments. Installed as share/bash-completion/completions/cpl.
_cpl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i word
  case $prev in
    -o | +o)
      COMPREPLY=($(compgen -W 'allexport errexit noclobber noexec noglob nounset pipefail verbose xtrace' -- "$cur"))
      return
      ;;
  esac
  # Options end at `--` or the first operand (the script, or -c's text): the rest is the script's.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      -o | +o) ((i++)) ;;
      --) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      -* | +*) ;;
      *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
  done
  case $cur in
    -* | +*) COMPREPLY=($(compgen -W '-c -n -i -s -e -u -x -C -o +e +u +x +C +o --plan --help --version --' -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -o filenames -o bashdefault -F _cpl cpl
