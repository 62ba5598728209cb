# Helpers the end-to-end scripts share: sourced, not run. Each script sets `work` (a scratch folder) first.
failures=0
check() { # name, condition...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
expect_exit() { # expected-code, command...: runs the command with stdout in $work/out and stderr in $work/err
  local expected=$1; shift
  "$@" >"$work/out" 2>"$work/err"; local code=$?
  [[ $code -eq $expected ]] || { echo "  exit $code, expected $expected; stderr: $(cat "$work/err")"; return 1; }
}
one_line_naming() { # substring: the last command's stderr is one line and mentions it
  [[ $(wc -l <"$work/err") -eq 1 ]] && grep -q -- "$1" "$work/err" || { echo "  stderr: $(cat "$work/err")"; return 1; }
}
json_number() { # file key: the first number stored under "key"
  tr -d ' \n' <"$1" | grep -o "\"$2\":[-0-9.e]*" | head -1 | cut -d: -f2
}
finish() {
  echo "$failures failed"
  [[ $failures -eq 0 ]]
}
