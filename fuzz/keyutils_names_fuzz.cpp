// fuzz/keyutils_names_fuzz.cpp: the kernel key description codec: unescape(escape(n)) == n, a text
// that unescapes re-escapes to itself, descriptions are C strings with exactly two ':', a
// description yields its account back for its own service only, and distinct names never share one.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <securestore/keyring/keyutils/names.hpp>

#include "fuzz_support.hpp"

using namespace securestore::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  // As an escaped text: anything that decodes is canonical.
  if (auto name = keyutils_unescape(input)) {
    if (keyutils_escape(*name) != input) std::abort();
  }

  // As a name: the escape holds no ':' and no NUL, and decodes back.
  const auto escaped = keyutils_escape(input);
  if (escaped.find(':') != std::string::npos || escaped.find('\0') != std::string::npos) std::abort();
  const auto back = keyutils_unescape(escaped);
  if (!back || *back != input) std::abort();

  // As (service, account): the description names exactly that pair.
  const auto [service, account] = securestore::fuzz::split_pair(input);
  const auto description = keyutils_description(service, account);
  if (std::count(description.begin(), description.end(), ':') != 2) std::abort();
  if (description.find('\0') != std::string::npos) std::abort();
  const auto found = keyutils_account_of(description, service);
  if (!found || *found != account) std::abort();
  // Another service never claims the key: not one a byte longer, nor one a byte shorter.
  const std::string longer = std::string{service} + "x";
  if (keyutils_account_of(description, longer)) std::abort();
  if (!service.empty() && keyutils_account_of(description, service.substr(0, service.size() - 1))) std::abort();
  // Injectivity: swapping the two parts gives another description unless they are equal.
  if ((keyutils_description(account, service) == description) != (service == account)) std::abort();
  return 0;
}
