// audit.hpp: sinks for store_options: an audit file of JSON lines (0600, O_APPEND, one write(2)
// per record so processes appending at once never interleave) and a log sink to a std::ostream.
// Neither ever sees a value: records and events carry names, codes and hashes only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <securestore/detail/platform.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/store_options.hpp>

namespace securestore {

/// The name of an error code in audit records and logs: "locked", "not_found", ...
[[nodiscard]] constexpr std::string_view code_name(errc e) noexcept {
  switch (e) {
    case errc::unavailable: return "unavailable";
    case errc::locked: return "locked";
    case errc::denied: return "denied";
    case errc::corrupt: return "corrupt";
    case errc::timeout: return "timeout";
    case errc::not_found: return "not_found";
    case errc::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

namespace detail::stores {

/// `t` as RFC 3339 UTC with milliseconds: "2026-01-01T00:00:00.000Z".
[[nodiscard]] inline std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss time{ms - day};
  char buffer[96];  // room for any int fields, so the format can never truncate
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return buffer;
}

/// One audit record as a JSON line ending in '\n'. Names that are not UTF-8 are written with
/// U+FFFD in place of the bad bytes (the audit log is text).
[[nodiscard]] inline std::string audit_line(const audit_record& r, std::string_view service) {
  nlohmann::json j = {{"time", rfc3339_utc(r.time)},
                      {"pid", detail::platform::process_id()},
                      {"service", std::string{service}},
                      {"operation", std::string{r.operation}},
                      {"key", r.key},
                      {"backend", std::string{r.backend}},
                      {"outcome", r.outcome ? "error" : "ok"}};
  if (r.outcome) j["error"] = std::string{code_name(*r.outcome)};
  return j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace detail::stores

/// An audit sink for store_options::audit that appends one JSON line per operation to a file:
/// time, pid, service, operation, key name, backend, outcome and error code, never a value.
/// The file is opened 0600 with O_APPEND and each line goes out in a single write(2), so
/// threads and processes appending at once leave whole lines. Copies share the descriptor;
/// thread-safe. A write that fails or comes up short is counted, not retried (a retry could
/// split a line).
class audit_file_sink {
 public:
  /// Opens (creating, 0600) the audit file at `path` for the store of `service`. Its directory
  /// is checked as a store's is. Errors: denied (a symlink, a FIFO or other non-regular file,
  /// another user's file, a second hard link, a directory others can write), unavailable (a
  /// missing directory, any other open failure), invalid_argument (a path that names no file).
  [[nodiscard]] static result<audit_file_sink> open(const std::filesystem::path& path, std::string service) {
    // Its directory is opened and checked as a store's is (every ancestor trusted, walked with
    // openat): a directory others can write could swap the file between the check and the use.
    std::error_code ignored;
    const auto absolute = std::filesystem::absolute(path, ignored);
    if (absolute.empty() || !absolute.has_filename()) {
      return error{errc::invalid_argument,
                   detail::concat("audit: '", detail::path_text(path), "' does not name a file"),
                   "give the audit file's path"};
    }
    auto dir = default_fs{}.open_directory(absolute.parent_path(), {.create = false, .make_private = false});
    if (!dir) {
      if (dir.error().code() != errc::not_found) return dir.error();
      return error{errc::unavailable,
                   detail::concat("audit: the directory of ", detail::path_text(absolute), " does not exist"),
                   "create the audit file's directory, or choose another path"};
    }
    auto file = detail::platform::append_file::open_in(dir.value().fd(), detail::path_text(absolute.filename()),
                                                       absolute, "audit");
    if (!file) return file.error();
    return audit_file_sink{std::make_shared<state>(std::move(file).value(), std::move(service))};
  }

  /// Appends the record's line.
  void operator()(const audit_record& r) const {
    if (!state_->file.append(detail::stores::audit_line(r, state_->service))) state_->failed.fetch_add(1);
  }

  /// How many records could not be written whole.
  [[nodiscard]] std::size_t failed_writes() const noexcept { return state_->failed.load(); }

 private:
  struct state {
    state(detail::platform::append_file f, std::string name) : file{std::move(f)}, service{std::move(name)} {}
    detail::platform::append_file file;
    std::string service;
    std::atomic<std::size_t> failed{0};
  };
  explicit audit_file_sink(std::shared_ptr<state> s) : state_{std::move(s)} {}
  std::shared_ptr<state> state_;
};

/// A log sink for store_options::log that writes one line per event to a std::ostream:
/// "securestore: op=set backend=memory outcome=ok duration_us=41 key=1f2e3d4c5b6a", plus the
/// note of a warning. The stream must outlive the sink; copies share one mutex, so lines from
/// threads never interleave.
class ostream_log_sink {
 public:
  explicit ostream_log_sink(std::ostream& out) : out_{&out} {}

  void operator()(const log_event& e) const {
    std::string line = detail::stores::join("securestore: op=", e.operation, " backend=", e.backend,
                                            " outcome=", e.outcome ? code_name(*e.outcome) : "ok",
                                            " duration_us=", static_cast<long long>(e.duration.count()));
    if (!e.key_hash.empty()) line += detail::stores::join(" key=", e.key_hash);
    if (e.warning) line += detail::stores::join(" warning=\"", e.note, "\"");
    line += '\n';
    std::lock_guard lock{*mutex_};
    *out_ << line << std::flush;
  }

 private:
  std::ostream* out_;
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
};

}  // namespace securestore
