#!/usr/bin/env bash
# Turns the figures the tests logged into tests/RELIABILITY.md, so no figure is typed by hand.
#
#   scripts/write-reliability.sh <log> <out.md>
#
# The log is what tests append while SECURESTORE_RELIABILITY_LOG names it (scripts/test.sh sets
# it): one figure per line, exactly
#
#   section<TAB>metric<TAB>value
#
# with no tab or newline inside a field (tests/support/reliability_log.hpp writes it; any other
# writer, a fuzzing script say, appends the same format with one write per line). Sections keep
# the order in which they first appear, and metrics within a section too; when a metric is logged
# more than once (a test run twice), the last value wins. Lines without exactly three fields are
# ignored. The page states the date, the machine (nproc, kernel) and the command that ran the
# tests (scripts/test.sh).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <log> <out.md>" >&2
  exit 2
fi
log=$1
out=$2
[ -f "$log" ] || { echo "write-reliability: no figures in $log (did the tests run?)" >&2; : >"$log"; }

{
  echo "# securestore — reliability figures"
  echo
  echo "Written by \`scripts/write-reliability.sh\` from the figures the tests logged; do not edit by hand."
  echo
  echo "- command: \`scripts/test.sh\` (via \`.ci/run\`)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(uname -s) $(uname -r) $(uname -m)"
  echo
  awk -F '\t' '
    NF == 3 {
      gsub(/\|/, "\\|")  # a "|" would end a table cell
      if (!($1 in seen_section)) { seen_section[$1] = 1; sections[++n_sections] = $1 }
      key = $1 SUBSEP $2
      if (!(key in value)) { order[$1, ++n_metrics[$1]] = $2 }
      value[key] = $3
    }
    END {
      if (n_sections == 0) { print "No figures were logged."; exit }
      for (s = 1; s <= n_sections; ++s) {
        section = sections[s]
        print "## " section
        print ""
        print "| metric | value |"
        print "|---|---|"
        for (m = 1; m <= n_metrics[section]; ++m) {
          metric = order[section, m]
          print "| " metric " | " value[section SUBSEP metric] " |"
        }
        print ""
      }
    }' "$log"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "write-reliability: wrote $out"
