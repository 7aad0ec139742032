// Must not compile: a secret written to a stream (tests/compile_fail/check.sh expects the message).
#include <iostream>

#include <securestore/secret.hpp>

int main() {
  const securestore::secret key{"sk-example"};
  std::cout << key << '\n';  // expected: "a secret is not printable: call reveal() or mask_for_display()"
}
