# tests/e2e/scripts/shell_features.sh — one POSIX sh script run by both
# bash and busybox sh (tests e2e.bash_script and e2e.busybox_sh): functions,
# pipelines, redirections, command substitution, traps, background jobs and
# wait. Its output must not depend on which shell runs it.
set -u

greet() {
  local_name=$1
  printf 'hello, %s (%d args)\n' "$local_name" "$#"
  return 3
}
greet world a b
echo "greet returned $?"

# recursion and arithmetic
fact() {
  if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi
}
echo "10! = $(fact 10)"

# pipelines (builtins and external programs)
printf '%s\n' pear apple fig apple kiwi fig apple | sort | uniq -c | sort -rn | head -n 2
echo "a b c d" | tr ' ' '\n' | wc -l
count=$(printf 'x\ny\nz\n' | grep -c .)
echo "count=$count"

# redirections
tmpf=out.txt
echo first > "$tmpf"
echo second >> "$tmpf"
{ echo third; echo fourth; } >> "$tmpf"
while read -r line; do echo "read: $line"; done < "$tmpf"
echo "to stderr" 2>/dev/null >&2
ls no-such-file 2>/dev/null || echo "ls failed as expected"
exec 3> fd3.txt
echo "via fd 3" >&3
exec 3>&-
cat fd3.txt
cat <<HERE
heredoc with $count
HERE

# command substitution, nested
echo "nested: $(echo "inner $(echo deepest)")"
lines=$(wc -l < "$tmpf")
echo "lines: $((lines + 0))"

# subshell keeps its variables
v=outer
( v=inner; echo "in subshell: $v" )
echo "after subshell: $v"

# traps: a signal handler and an EXIT trap
trap 'echo "got USR1"' USR1
kill -USR1 $$
trap 'echo "exit trap ran"' EXIT

# background jobs and wait
( sleep 0.2; echo "job A done" > jobA.txt ) &
pa=$!
( echo "job B done" > jobB.txt; exit 7 ) &
pb=$!
wait $pb
echo "job B status $?"
wait $pa
echo "job A status $?"
cat jobA.txt jobB.txt
sleep 0.1 & sleep 0.1 &
wait
echo "all jobs waited"

# case, loops, string ops
for w in alpha beta gamma; do
  case $w in
    a*) echo "$w starts with a" ;;
    *m*) echo "$w has an m" ;;
    *) echo "$w is other" ;;
  esac
done
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "i=$i"
s=hello.tar.gz; echo "${s%%.*} ${s#*.} ${#s}"
exit 0
