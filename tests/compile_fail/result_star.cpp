// Must not compile: `*r` on a result skips the check (tests/compile_fail/check.sh expects the message).
#include <securestore/error.hpp>

int main() {
  securestore::result<int> r{42};
  return *r;  // expected: "result<T> has no operator*"
}
