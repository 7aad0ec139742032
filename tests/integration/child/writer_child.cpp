// writer_child: writes one key N times through a file store, checking each value reads back;
// the two-process test runs two of these against one directory.
// usage: securestore_writer_child <fallback_dir> <root_secret_path> <key> <writer id> <count>
#include <cstdio>
#include <string>

#include <securestore/file_store.hpp>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <dir> <root> <key> <id> <count>\n", argv[0]);
    return 2;
  }
  securestore::file_store store{"two-process", {.fallback_dir = argv[1], .root_secret_path = argv[2]}};
  const std::string key = argv[3];
  const std::string id = argv[4];
  const int count = std::stoi(argv[5]);
  for (int i = 0; i < count; ++i) {
    const auto value = "writer-" + id + "-value-" + std::to_string(i);
    if (auto stored = store.set(key, value); !stored) {
      std::fprintf(stderr, "set %d failed: %s\n", i, stored.error().message().c_str());
      return 1;
    }
    // Every read must decode: a torn or interleaved file would be corrupt.
    if (auto read = store.get(key); !read) {
      std::fprintf(stderr, "get %d failed: %s\n", i, read.error().message().c_str());
      return 1;
    }
  }
  return 0;
}
