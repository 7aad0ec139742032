// A consumer's program in separate-compilation mode (securestore::compiled): this file uses the
// stores and parses only their declarations; compiled_src.cpp compiles them, once.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <securestore/securestore.hpp>
#include <securestore/stores/provider_keys.hpp>

int main() {
  std::string dir = (std::filesystem::temp_directory_path() / "securestore-compiled-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return 2;
  int status = 1;
  {
    securestore::store_options options{.fallback_dir = dir + "/entries", .root_secret_path = dir + "/root"};
    securestore::file_store store{"consumer", options};
    auto got = store.set("k", "v") ? store.get("k")
                                   : securestore::result<securestore::secret>{
                                         securestore::error{securestore::errc::unavailable, "set", "retry"}};
    // The platform's store and a store on top, over the file so that no keyring is needed.
    options.backend = "file";
    securestore::secure_store platform{"consumer-platform", options};
    securestore::provider_key_store keys{securestore::app_name{"consumer"}, options};
    auto key = keys.save("openai", " sk-consumer\n") ? keys.get("openai") : keys.get("missing");
    if (got && got.value() == std::string_view{"v"} && key && key.value() == std::string_view{"sk-consumer"} &&
        platform.set("p", "w") && platform.list().value().size() == 1)
      status = 0;
    std::printf("consumer (separate compilation): %s\n",
                status == 0 ? "stored and read back secrets" : "a store failed");
  }
  std::filesystem::remove_all(dir);
  return status;
}
