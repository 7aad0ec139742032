// A consumer's program: stores and reads back a secret with the file store in a temp directory.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <securestore/securestore.hpp>

int main() {
  std::string dir = (std::filesystem::temp_directory_path() / "securestore-consumer-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return 2;
  int status = 1;
  {
    securestore::file_store store{"consumer", {.fallback_dir = dir + "/entries", .root_secret_path = dir + "/root"}};
    auto got = store.set("k", "v") ? store.get("k") : securestore::result<securestore::secret>{
                                                          securestore::error{securestore::errc::unavailable, "set", "retry"}};
    if (got && got.value() == std::string_view{"v"}) status = 0;
    std::printf("consumer: %s\n", status == 0 ? "stored and read back a secret" : got.error().message().c_str());
  }
  std::filesystem::remove_all(dir);
  return status;
}
