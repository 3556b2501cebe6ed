# tests/e2e/scripts/edit.sed — GNU sed: substitutions with groups, ranges,
# hold space, line numbers, delete, append (test e2e.sed).
1i\
# edited
s/\b([a-z]+)@([a-z]+)\.org\b/<\2:\1>/g
/^BEGIN$/,/^END$/{
  s/^/  | /
}
/^drop/d
$a\
# end
y/abc/ABC/
