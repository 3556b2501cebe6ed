# tests/e2e/scripts/bash_extras.sh — what only bash has (test e2e.bash_extras):
# arrays, associative arrays, [[ =~ ]], brace expansion, process substitution,
# mapfile, printf -v, local, PIPESTATUS, coproc-free here-strings.
set -euo pipefail

arr=(zero one two three)
arr+=(four)
echo "len=${#arr[@]} last=${arr[-1]} slice=${arr[*]:1:2}"

declare -A color=([apple]=red [banana]=yellow [grape]=purple)
for k in $(printf '%s\n' "${!color[@]}" | sort); do echo "$k -> ${color[$k]}"; done

if [[ "version 5.2.37" =~ ([0-9]+)\.([0-9]+) ]]; then
  echo "major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}"
fi
echo {1..5} {a..c}
printf -v padded '%05d' 42; echo "padded=$padded"

sum() { local total=0 x; for x in "$@"; do (( total += x )); done; echo $total; }
echo "sum=$(sum 1 2 3 4 5 6 7 8 9 10)"

mapfile -t lines < <(printf 'l1\nl2\nl3\n')
echo "mapfile: ${#lines[@]} ${lines[1]}"
diff <(printf 'a\nb\nc\n') <(printf 'a\nB\nc\n') || echo "diff status $?"
read -r first rest <<< "one two three"
echo "first=$first rest=$rest"

set +o pipefail
true | false | true
echo "PIPESTATUS=${PIPESTATUS[*]}"
str="Hello World"; echo "${str^^} ${str,,} ${str/World/There}"
echo "done"
