// fuzz/fuzz_support.hpp: what the fuzz targets and the corpus generator share: the fixed service,
// key and root secret that seed envelopes are sealed with, and a private temporary directory.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace securestore::fuzz {

inline constexpr std::string_view service = "fuzz";
inline constexpr std::string_view key = "api-key";
/// A key whose escaped name is too long for a file name, so its entry file is named by a hash.
inline const std::string long_key(240, 'K');

/// The root secret of every fuzz store: fixed, so that seed envelopes decrypt and mutations of
/// them reach the AEAD and the checks after it.
inline constexpr std::array<std::uint8_t, 32> root_secret = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

/// The Secret Service transfer key of the reply fuzzer's session: fixed, so that seed secrets
/// decrypt and mutations of them reach the padding and emptiness checks.
inline constexpr std::array<std::uint8_t, 16> transfer_key = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                                              0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};

/// The replies the Secret Service reply fuzzer decodes; an input's first byte picks one.
enum class ss_reply : std::uint8_t { get_secret, search_items, get_attributes, count };
inline constexpr std::array<const char*, 3> ss_reply_types = {"((oayays))", "(aoao)", "(v)"};

/// Writes `bytes` to `path` with mode 0600, replacing it; aborts on failure (a harness bug).
inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  for (std::size_t done = 0; done < bytes.size();) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

/// Two parts of a fuzz input, for the injectivity checks: the first byte's value chooses where the
/// rest is cut. Both empty when the input is shorter than two bytes.
struct input_pair {
  std::string_view first;
  std::string_view second;
};
[[nodiscard]] inline input_pair split_pair(std::string_view input) {
  if (input.size() < 2) return {};
  const std::size_t cut = 1 + static_cast<unsigned char>(input[0]) % (input.size() - 1);
  return {input.substr(1, cut - 1), input.substr(cut)};
}

/// A mkdtemp directory (mode 0700) under $TMPDIR or /tmp, removed on destruction.
class temp_dir {
 public:
  temp_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "securestore-fuzz-XXXXXX").native();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace securestore::fuzz
