// support/reliability_log.hpp: the figures reliability tests report. When SECURESTORE_RELIABILITY_LOG
// names a file, each figure is appended to it as one line "section<TAB>metric<TAB>value", which
// scripts/write-reliability.sh turns into tests/RELIABILITY.md.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace securestore::test {

/// Appends one figure to $SECURESTORE_RELIABILITY_LOG (nothing when it is unset). One write(2) of
/// one line with O_APPEND, so lines from tests running in parallel processes never interleave.
/// Tabs and newlines in the fields are replaced by spaces to keep the line format intact.
template <class Value>
void record_figure(std::string_view section, std::string_view metric, const Value& value) {
  const char* path = std::getenv("SECURESTORE_RELIABILITY_LOG");
  if (path == nullptr || *path == '\0') return;
  std::ostringstream text;
  text << value;
  auto clean = [](std::string field) {
    for (auto& c : field) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return field;
  };
  const std::string line =
      clean(std::string{section}) + '\t' + clean(std::string{metric}) + '\t' + clean(text.str()) + '\n';
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

}  // namespace securestore::test
