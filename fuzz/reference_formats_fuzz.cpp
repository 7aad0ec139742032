// fuzz/reference_formats_fuzz.cpp: the readers of the reference implementation's (llxprt-code's)
// files on arbitrary bytes: the v1/v2 envelope, the legacy tool .key file, the machine secret and
// the file-name decoders. Only errc::corrupt or well-formed results; never a crash, leak or hang.
// Keys are fixed (the golden identity's, derived once), so inputs reach the AEAD without a scrypt
// per input; the seeds' salts map to their real keys, so mutations of them decrypt or fail the tag.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/detail/migrate/reference_envelope.hpp>
#include <securestore/detail/migrate/reference_legacy_key.hpp>
#include <securestore/detail/migrate/reference_names.hpp>

namespace {

using namespace securestore;
using namespace securestore::detail;

const reference_identity golden{"golden-host", "golden-user"};
constexpr std::string_view service = "llxprt-code-provider-keys";

std::vector<std::uint8_t> sha256_prefix(std::string_view label, std::size_t n) {
  const auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  const auto digest = sha->final();
  return {digest.begin(), digest.begin() + static_cast<std::ptrdiff_t>(n)};
}

// tests/data/reference/make_golden.py fixes each salt as SHA-256("golden:<label>:salt")[:16] and
// the machine secret as SHA-256("golden:machine-secret"): the keys of the seed files, once.
struct fixed_keys {
  std::map<std::vector<std::uint8_t>, key_bytes> v1;
  std::map<std::vector<std::uint8_t>, key_bytes> v2;
  key_bytes fallback = key_bytes(32, 0x5a);
  key_bytes legacy = reference_legacy_file_key(golden);

  fixed_keys() {
    const auto raw = sha256_prefix("golden:machine-secret", 32);
    const key_bytes machine_secret(raw.begin(), raw.end());
    for (const char* label : {"anthropic", "openai", "blank"}) {
      auto salt = sha256_prefix(std::string{"golden:"} + label + ":salt", 16);
      const auto password = reference_envelope_password(1, service, golden, nullptr);
      v1.emplace(salt, reference_scrypt({reinterpret_cast<const char*>(password.data()), password.size()}, salt));
    }
    for (const char* label : {"gemini", "mistral"}) {
      auto salt = sha256_prefix(std::string{"golden:"} + label + ":salt", 16);
      const auto password = reference_envelope_password(2, service, golden, &machine_secret);
      v2.emplace(salt, reference_scrypt({reinterpret_cast<const char*>(password.data()), password.size()}, salt));
    }
  }
  [[nodiscard]] const key_bytes& for_envelope(const reference_envelope& e) const {
    const auto& known = e.version == 2 ? v2 : v1;
    const auto it = known.find(e.salt);
    return it == known.end() ? fallback : it->second;
  }
};

void require(bool ok) {
  if (!ok) std::abort();
}

void fuzz_envelope(const fixed_keys& keys, std::string_view input) {
  auto parsed = parse_reference_envelope(input, "fuzz.enc");
  if (!parsed) {
    require(parsed.error().code() == errc::corrupt);
    return;
  }
  const auto& e = parsed.value();
  require((e.version == 1 || e.version == 2) && e.salt.size() == 16 && e.sealed.iv.size() == 12 &&
          e.sealed.tag.size() == 16);
  const error failed{errc::corrupt, "fuzz: wrong key", "use the right key"};
  auto opened = open_reference_envelope_with_key(e, keys.for_envelope(e), failed);
  if (opened) {
    require(opened.value().size() == e.sealed.ciphertext.size());
  } else {
    require(opened.error().code() == errc::corrupt);
  }
}

void fuzz_legacy(const fixed_keys& keys, std::string_view input) {
  auto parsed = parse_reference_legacy_key(input, "fuzz.key");
  if (!parsed) {
    require(parsed.error().code() == errc::corrupt);
    return;
  }
  require(parsed.value().iv.size() == 16 && parsed.value().tag.size() == 16);
  auto opened = read_reference_legacy_key(input, keys.legacy, golden, "fuzz.key");
  if (opened) {
    require(opened.value().size() == parsed.value().ciphertext.size());
  } else {
    require(opened.error().code() == errc::corrupt);
  }
}

void fuzz_names(std::string_view input) {
  if (const auto key = reference_envelope_key(input)) {
    // Undoing escapes only shortens: a key is never longer than its stem, and never empty.
    require(!key->empty() && key->size() <= input.size() - 4);
    if (input.find('%') == std::string_view::npos) require(*key == input.substr(0, input.size() - 4));
  }
  if (const auto tool = reference_legacy_tool(input)) require(!tool->empty() && tool->size() == input.size() - 4);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixed_keys keys;
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  fuzz_envelope(keys, input);
  fuzz_legacy(keys, input);
  fuzz_names(input);
  if (auto machine_secret = decode_reference_machine_secret(input, "fuzz")) {
    require(machine_secret.value().size() == 32);
  } else {
    require(machine_secret.error().code() == errc::corrupt);
  }
  return 0;
}
