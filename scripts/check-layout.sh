#!/usr/bin/env bash
# Checks the header layout's three rules: a platform API (<gio/...>, <keyutils.h>, <windows.h>,
# <libsecret/...>, <Security/...>) is included only under keyring/<backend>; a POSIX system header
# (<unistd.h>, <fcntl.h>, <sys/...>, ...) only there, in the POSIX file policy (fs/posix*) or in
# the platform seam (detail/platform/); and no header is longer than the limit (STYLE.md: split
# past ~400 lines).
#
# Paths are platform-neutral: `.native()` of a std::filesystem::path is a std::wstring on Windows,
# so outside the POSIX-only headers (fs/posix*, detail/platform/posix.hpp, keyring/pass*,
# keyring/keyutils*, keyring/secret_service*) a header converts a path to text and back only
# through detail::path_text / detail::path_from_text (detail/platform/path_text.hpp, which may use
# it too). Comments are not checked.
#
# It also checks that no error glues its remedy into what happened (STYLE.md §4: what to do is a
# field of its own). In every `error{...}` / `error(...)` construction in the headers and in the
# tool's sources (<include-dir>/../tools), a string literal inside the second argument (what
# happened) must not contain "; ": that is where a remedy used to be glued on ("...: locked; unlock
# it"); the remedy goes in the third argument. Comments are ignored; a "; " that reaches what()
# from a runtime value (a path, a nested cause) is not a literal and is not flagged.
# And that no Catch2 test name under <include-dir>/../tests starts with "-" (ctest could not run it).
# Usage: scripts/check-layout.sh [include-dir] [max-lines]
set -euo pipefail
dir=${1:-include}
max=${2:-430}
status=0
while IFS= read -r file; do
  rel=${file#"$dir"/}
  case "$rel" in
    securestore/keyring/*) ;;
    *)
      if grep -nE '^#include <(gio/|glib|libsecret/|keyutils\.h|windows\.h|wincred\.h|Security/)' "$file"; then
        echo "layout: $rel includes a platform API; only keyring/<backend> may" >&2
        status=1
      fi
      ;;
  esac
  case "$rel" in
    securestore/keyring/* | securestore/fs/posix* | securestore/detail/platform/*) ;;
    *)
      if grep -nE '^#include <(unistd|fcntl|pwd|dirent|termios|spawn|signal|poll|time|limits|sys/[a-z_]+)\.h>' "$file"; then
        echo "layout: $rel includes a POSIX system header; only keyring/<backend>, fs/posix and detail/platform may" >&2
        status=1
      fi
      ;;
  esac
  case "$rel" in
    securestore/fs/posix* | securestore/detail/platform/posix.hpp | securestore/detail/platform/path_text.hpp | \
      securestore/keyring/pass* | securestore/keyring/keyutils* | securestore/keyring/secret_service*) ;;
    *)
      if sed 's://.*$::' "$file" | grep -nE '\.native\(\)'; then
        echo "layout: $rel calls .native() on a path (a std::wstring on Windows); use detail::path_text" >&2
        status=1
      fi
      ;;
  esac
  lines=$(wc -l <"$file")
  if [ "$lines" -gt "$max" ]; then
    echo "layout: $rel has $lines lines (limit $max); split it" >&2
    status=1
  fi
done < <(find "$dir" -name '*.hpp' | sort)

# Remedies as data: no "; " in a literal of an error's what-argument.
sources=()
while IFS= read -r file; do sources+=("$file"); done < <(
  find "$dir" -name '*.hpp'
  [ -d "$dir/../tools" ] && find "$dir/../tools" -name '*.cpp' -o -name '*.hpp'
)
if ! perl -e '
  use strict;
  use warnings;
  my $status = 0;
  # The argument texts of the call whose opening bracket ends at $i, split at top-level commas.
  sub arguments {
    my ($s, $i) = @_;
    my ($depth, $start, @args) = (0, $i);
    while ($i < length $s) {
      my $c = substr($s, $i, 1);
      if ($c eq q(")) {
        pos($s) = $i;
        $i = pos($s) - 1 if $s =~ /\G"(?:[^"\\\n]|\\.)*"/gc;
      } elsif ($c =~ /[({\[]/) {
        $depth++;
      } elsif ($c =~ /[)}\]]/) {
        if ($depth == 0) { push @args, substr($s, $start, $i - $start); return @args; }
        $depth--;
      } elsif ($c eq "," && $depth == 0) {
        push @args, substr($s, $start, $i - $start);
        $start = $i + 1;
      }
      $i++;
    }
    return ();
  }
  for my $file (@ARGV) {
    open my $fh, "<", $file or die "$file: $!";
    my $s = do { local $/; <$fh> };
    close $fh;
    # Blank comments and character literals (keeping newlines); string literals stay as they are.
    $s =~ s{("(?:[^"\\\n]|\\.)*")|(?<![\w])(\x27(?:[^\x27\\\n]|\\.)+\x27)|(//[^\n]*)|(/\*.*?\*/)}{
      defined $1 ? $1 : (defined $2 ? "0" : ($3 // $4) =~ s/[^\n]/ /gr)
    }gse;
    while ($s =~ /(?<![\w.>])(?:securestore::)?error(?:\s+\w+)?\s*[{(]/g) {
      my $at = pos $s;
      next if substr($s, 0, $-[0]) =~ /\b(?:class|struct)\s*$/;  # the class itself, not a construction
      my @args = arguments($s, $at);
      pos($s) = $at;
      next if @args < 2;
      for my $literal ($args[1] =~ /"((?:[^"\\\n]|\\.)*)"/g) {
        next unless $literal =~ /; /;
        my $line = 1 + (substr($s, 0, $at) =~ tr/\n//);
        print STDERR "layout: $file:$line: an error glues a remedy into what happened (\"$literal\"); give it as the remedy argument\n";
        $status = 1;
      }
    }
  }
  exit $status;
' "${sources[@]}"; then
  status=1
fi

# A Catch2 test whose name starts with "-" cannot be run by name: ctest passes the name as an
# argument and Catch2 takes it for an option ("Unrecognised token").
if [ -d "$dir/../tests" ] && grep -rnE 'TEST_CASE\("-' "$dir/../tests" --include='*.cpp' >&2; then
  echo "layout: a test name starts with '-'; Catch2 would take it for an option" >&2
  status=1
fi
exit $status
