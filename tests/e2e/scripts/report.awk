# tests/e2e/scripts/report.awk — gawk: fields, associative arrays, printf,
# functions, sorted traversal, regex match (test e2e.awk).
function pct(part, whole) { return whole ? 100.0 * part / whole : 0 }
BEGIN { FS = "," }
NR == 1 { next }                      # header
{
  qty[$1] += $3; amount[$1] += $3 * $4; total += $3 * $4
  if ($2 ~ /^b/) bcount++
  n++
}
END {
  PROCINFO["sorted_in"] = "@ind_str_asc"
  for (k in qty)
    printf "%-8s qty=%3d amount=%8.2f share=%5.1f%%\n", k, qty[k], amount[k], pct(amount[k], total)
  printf "rows=%d total=%.2f b-items=%d\n", n, total, bcount
  s = "the quick brown fox"; gsub(/o/, "0", s); print toupper(s), length(s)
  split("3 1 2", a, " "); asort(a); print a[1] a[2] a[3]
  print substr("hartd-jit", 7), index("abcdef", "cd"), sprintf("%x", 255)
}
