// The reference implementation's (llxprt-code's) file formats, read from golden files that
// tests/data/reference/make_golden.py wrote from the behaviour document, not from our reader.
#include <securestore/detail/migrate/reference_envelope.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <securestore/detail/migrate/reference_legacy_key.hpp>
#include <securestore/detail/migrate/reference_names.hpp>

namespace fs = std::filesystem;
using namespace securestore;
using securestore::detail::decode_reference_machine_secret;
using securestore::detail::key_bytes;
using securestore::detail::parse_reference_envelope;
using securestore::detail::parse_reference_legacy_key;
using securestore::detail::read_reference_envelope;
using securestore::detail::read_reference_legacy_key;
using securestore::detail::reference_envelope_key;
using securestore::detail::reference_legacy_file_key;
using securestore::detail::reference_legacy_tool;

namespace {

const fs::path golden_home_dir = fs::path{SECURESTORE_TEST_DATA_DIR} / "reference" / "home";
const reference_identity golden_identity{"golden-host", "golden-user"};
constexpr std::string_view provider_service = "llxprt-code-provider-keys";

std::string read_golden(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in);
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

fs::path v1_file(const char* name) { return golden_home_dir / ".llxprt" / "provider-keys" / name; }
fs::path v2_file(const char* name) { return golden_home_dir / ".local/share/llxprt-code/provider-keys" / name; }
fs::path legacy_file(const char* name) { return golden_home_dir / ".llxprt" / "tools" / name; }

key_bytes golden_machine_secret() {
  return decode_reference_machine_secret(read_golden(golden_home_dir / ".local/share/llxprt-code/machine_secret"),
                                         "test")
      .value();
}

result<secret> read_v1(const std::string& text, const reference_identity& who = golden_identity) {
  return read_reference_envelope(text, provider_service, who, nullptr, "the file");
}
result<secret> read_v2(const std::string& text, const reference_identity& who = golden_identity) {
  const auto machine_secret = golden_machine_secret();
  return read_reference_envelope(text, provider_service, who, &machine_secret, "the file");
}

}  // namespace

TEST_CASE("reference files decrypt to the values the independent script sealed", "[reference-files]") {
  SECTION("v1 envelopes, ASCII, non-ASCII and empty values") {
    CHECK(read_v1(read_golden(v1_file("anthropic.enc"))).value().reveal() == "sk-ant-golden-0001");
    CHECK(read_v1(read_golden(v1_file("openai.enc"))).value().reveal() == "clé-секрет-🔑-golden");
    CHECK(read_v1(read_golden(v1_file("blank.enc"))).value().reveal().empty());
    CHECK(read_v1(read_golden(v1_file("spaces.enc"))).value().reveal() == " \t\n");
  }
  SECTION("v2 envelopes with the machine secret") {
    CHECK(read_v2(read_golden(v2_file("gemini.enc"))).value().reveal() == "AIza-golden-v2");
    CHECK(read_v2(read_golden(v2_file("mistral.enc"))).value().reveal() == "пароль-v2-golden");
  }
  SECTION("legacy tool .key files") {
    CHECK(read_reference_legacy_key(read_golden(legacy_file("exa.key")), golden_identity, "f").value().reveal() ==
          "exa-golden-legacy-key");
    CHECK(read_reference_legacy_key(read_golden(legacy_file("brave.key")), golden_identity, "f").value().reveal() ==
          "brävé-golden-legacy");
  }
}

TEST_CASE("a reference file read as another host or user is corrupt and says so", "[reference-files]") {
  const auto who =
      GENERATE(reference_identity{"other-host", "golden-user"}, reference_identity{"golden-host", "other-user"});
  auto check = [&who](const result<secret>& got, std::string_view value) {
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
    const auto& message = got.error().message();
    CHECK_THAT(message, Catch::Contains("another machine or account"));
    CHECK_THAT(message, Catch::Contains(who.hostname) && Catch::Contains(who.username));
    CHECK(message.find(value) == std::string::npos);
  };
  check(read_v1(read_golden(v1_file("anthropic.enc")), who), "sk-ant-golden-0001");
  check(read_v2(read_golden(v2_file("gemini.enc")), who), "AIza-golden-v2");
  check(read_reference_legacy_key(read_golden(legacy_file("exa.key")), who, "f"), "exa-golden-legacy-key");
}

TEST_CASE("a v2 file without its machine secret, or with another one, is corrupt", "[reference-files]") {
  const auto text = read_golden(v2_file("gemini.enc"));
  SECTION("none: the message says where the secret lives") {
    const auto got = read_reference_envelope(text, provider_service, golden_identity, nullptr, "f");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
    CHECK_THAT(got.error().message(), Catch::Contains("llxprt-code-machine-secret"));
  }
  SECTION("another secret fails authentication") {
    const key_bytes other(32, 0x42);
    const auto got = read_reference_envelope(text, provider_service, golden_identity, &other, "f");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
  }
  SECTION("another service fails authentication (the service is in the key)") {
    const auto secret = golden_machine_secret();
    CHECK(read_reference_envelope(text, "llxprt-code-tool-keys", golden_identity, &secret, "f").error().code() ==
          errc::corrupt);
  }
}

TEST_CASE("truncated or bit-flipped reference files are corrupt", "[reference-files]") {
  SECTION("every truncation of a v1 envelope") {
    const auto text = read_golden(v1_file("anthropic.enc"));
    for (std::size_t n = 0; n < text.size(); n += 7) {
      const auto got = read_v1(text.substr(0, n));
      REQUIRE_FALSE(got);
      CHECK(got.error().code() == errc::corrupt);
    }
  }
  SECTION("a flipped character in the base64 data of v1 and v2") {
    for (auto [text, v2] :
         {std::pair{read_golden(v1_file("anthropic.enc")), false}, {read_golden(v2_file("gemini.enc")), true}}) {
      const auto data = text.find("\"data\":\"") + 8;
      for (std::size_t at : {data, data + 20, data + 40, data + 60, text.size() - 4}) {
        auto flipped = text;
        flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
        const auto got = v2 ? read_v2(flipped) : read_v1(flipped);
        REQUIRE_FALSE(got);
        CHECK(got.error().code() == errc::corrupt);
      }
    }
  }
  SECTION("every truncation and a flipped digit in each field of a legacy .key file") {
    const auto text = read_golden(legacy_file("exa.key"));
    const auto key = reference_legacy_file_key(golden_identity);
    for (std::size_t n = 0; n < text.size(); n += 5) {
      CHECK(read_reference_legacy_key(text.substr(0, n), key, golden_identity, "f").error().code() == errc::corrupt);
    }
    for (std::size_t at : {std::size_t{0}, std::size_t{40}, text.size() - 1}) {
      auto flipped = text;
      flipped[at] = flipped[at] == '0' ? '1' : '0';
      CHECK(read_reference_legacy_key(flipped, key, golden_identity, "f").error().code() == errc::corrupt);
    }
  }
}

TEST_CASE("malformed reference text is corrupt with a message that says what is wrong", "[reference-files]") {
  const std::string good_crypto = R"("crypto":{"alg":"aes-256-gcm","kdf":"scrypt","N":16384,"r":8,"p":1,"saltLen":16})";
  const auto [text, says] = GENERATE_COPY(table<std::string, std::string>({
      {"null", "not an object"},
      {"42", "not an object"},
      {"{", "not valid JSON"},
      {R"({"v":3,)" + good_crypto + R"(,"data":""})", "\"v\""},
      {R"({"v":"1",)" + good_crypto + R"(,"data":""})", "\"v\""},
      {R"({"v":1,"data":"AAAA"})", "\"crypto\""},
      {R"({"v":1,"crypto":{"alg":"aes-128-gcm","kdf":"scrypt","N":16384,"r":8,"p":1,"saltLen":16},"data":""})",
       "aes-256-gcm"},
      {R"({"v":1,"crypto":{"alg":"aes-256-gcm","kdf":"scrypt","N":1048576,"r":8,"p":1,"saltLen":16},"data":""})",
       "N=16384"},
      {R"({"v":1,)" + good_crypto + "}", "\"data\""},
      {R"({"v":1,)" + good_crypto + R"(,"data":"%%%%"})", "base64"},
      {R"({"v":1,)" + good_crypto + R"(,"data":"AAAA"})", "truncated"},
  }));
  const auto got = parse_reference_envelope(text, "f.enc");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK_THAT(got.error().message(), Catch::Contains("f.enc") && Catch::Contains(says));
}

TEST_CASE("malformed legacy .key text is corrupt with a message that says what is wrong", "[reference-files]") {
  const std::string iv(32, 'a');
  const std::string tag(32, 'b');
  const auto [text, says] = GENERATE_COPY(table<std::string, std::string>({
      {"", "three"},
      {iv + ":" + tag, "three"},
      {iv + ":" + tag + ":00:00", "more than three"},
      {iv + ":" + tag + ":0g", "ciphertext is not hex"},
      {iv + ":" + tag + ":000", "ciphertext is not hex"},
      {"aa:" + tag + ":00", "IV is not 16 bytes"},
      {iv + ":bb:00", "tag is not 16 bytes"},
  }));
  const auto got = parse_reference_legacy_key(text, "exa.key");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK_THAT(got.error().message(), Catch::Contains("exa.key") && Catch::Contains(says));
}

TEST_CASE("a legacy .key file with a trailing newline still reads", "[reference-files]") {
  CHECK(read_reference_legacy_key(read_golden(legacy_file("exa.key")) + "\n", golden_identity, "f").value().reveal() ==
        "exa-golden-legacy-key");
}

TEST_CASE("the machine secret is base64 of exactly 32 bytes", "[reference-files]") {
  CHECK(decode_reference_machine_secret(" " + std::string(43, 'A') + "=\n", "s").value().size() == 32);
  for (const std::string& bad : {std::string{}, std::string{"AAAA"}, std::string(44, '!'), std::string(64, 'a')}) {
    CHECK(decode_reference_machine_secret(bad, "s").error().code() == errc::corrupt);
  }
}

TEST_CASE("a reference file's name gives its key as the reference named it", "[reference-files]") {
  CHECK(reference_envelope_key("anthropic.enc") == "anthropic");
  CHECK(reference_envelope_key("my%2Akey%3Atest%3F.enc") == "my*key:test?");  // HEAD's escaping, §2.4
  CHECK(reference_envelope_key("100%.enc") == "100%");                        // a '%' that is no escape
  CHECK(reference_envelope_key("a%2Fb.enc") == "a%2Fb");                      // '/' was never escaped: refused as a key
  CHECK(reference_envelope_key("a%3a.enc") == "a%3a");                        // HEAD wrote upper-case hex only
  CHECK(reference_envelope_key("key with spaces.enc") == "key with spaces");
  CHECK_FALSE(reference_envelope_key("anthropic.enc.tmp.1a2b3c4d"));  // a temp file
  CHECK_FALSE(reference_envelope_key(".enc"));
  CHECK_FALSE(reference_envelope_key("..enc"));
  CHECK_FALSE(reference_envelope_key("...enc"));
  CHECK_FALSE(reference_envelope_key("machine_secret"));
  CHECK(reference_legacy_tool("exa.key") == "exa");
  CHECK_FALSE(reference_legacy_tool(".key"));
  CHECK_FALSE(reference_legacy_tool("keyfiles.json"));
}
