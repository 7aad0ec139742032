// tools/securestore/services_command.cpp: `services`: every service each backend holds keys for,
// with how many, so a user can find the store an application wrote (its --service or --store).
// A backend that cannot enumerate its services is reported as such, never as empty.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/keyring/any.hpp>

#include "commands.hpp"
#include "display.hpp"
#include "exit_codes.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
namespace {

// One backend's answer: its services, or why there are none to show.
struct backend_services {
  std::string name;   // as --backend spells it
  std::string state;  // "ok", "cannot_enumerate", or the errc's name
  std::string reason;
  std::vector<service_keys> services;
};

backend_services keyring_services(const global_options& g, keyring_backend backend) {
  backend_services out{std::string{backend_name(backend)}, "ok", {}, {}};
  auto keyring = any_keyring::make(backend);
  if (keyring && !keyring.value().can_enumerate_services()) {
    out.state = "cannot_enumerate";
    out.reason = "this backend cannot list its services; ask for one with --service";
    return out;
  }
  auto found = keyring ? keyring.value().services() : result<std::vector<service_keys>>{keyring.error()};
  if (!found) {
    out.state = std::string{errc_name(found.error().code())};
    out.reason = in_tool_words(found.error().message(), g);
  } else {
    out.services = std::move(found).value();
  }
  return out;
}

// The encrypted files' services: each store directory beside this service's, with the number of
// keys its files hold. A directory named by a hash (a service name too long for a file name)
// cannot be named back, and is left out with a warning.
backend_services file_services(const global_options& g) {
  backend_services out{"file", "ok", {}, {}};
  auto here = open_file_entries(g);
  if (!here) {
    out.state = std::string{errc_name(here.error().code())};
    out.reason = in_tool_words(here.error().message(), g);
    return out;
  }
  const auto root = here.value().store.storage().fallback_dir.parent_path();
  std::error_code ec;
  for (std::filesystem::directory_iterator it{root, ec}, end; !ec && it != end; it.increment(ec)) {
    const auto stem = it->path().filename().string();
    std::error_code kind;
    if (stem.starts_with(".") || !it->is_directory(kind)) continue;
    auto service = detail::unescape_name(stem);
    if (detail::is_hashed_stem(stem) || !service) {
      warn(g, detail::concat("the store directory ", home_relative(it->path()),
                             " has a hashed name (a long service name): its service cannot be shown"));
      continue;
    }
    auto other = g;  // that service's plain store: no --store rules apply to counting its files
    other.service = *service;
    other.app.clear();
    other.store.clear();
    other.domain = store_domain::none;
    auto store = open_file_entries(other);
    auto names = store ? store.value().store.list() : result<std::vector<std::string>>{store.error()};
    if (!names) {
      out.state = std::string{errc_name(names.error().code())};
      out.reason = in_tool_words(names.error().message(), g);
      return out;
    }
    if (!names.value().empty()) out.services.push_back({std::move(*service), names.value().size()});
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    out.state = ec == std::errc::permission_denied ? "denied" : "unavailable";
    out.reason = detail::concat("cannot read ", home_relative(root), " (", ec.message(), ")");
  }
  std::sort(out.services.begin(), out.services.end(),
            [](const auto& a, const auto& b) { return a.service < b.service; });
  return out;
}

exit_code list_services(const global_options& g) {
  std::vector<backend_services> all;
  for (const auto backend : any_keyring::compiled_backends()) {
    all.push_back(backend == keyring_backend::file ? file_services(g) : keyring_services(g, backend));
  }
  if (g.json) {
    auto backends = json::array();
    for (const auto& b : all) {
      auto services = json::array();
      for (const auto& s : b.services) services.push_back({{"service", s.service}, {"keys", s.keys}});
      backends.push_back({{"name", b.name}, {"state", b.state}, {"reason", b.reason}, {"services", services}});
    }
    std::cout << dump(json{{"backends", backends}}) << '\n';
    return exit_code::ok;
  }
  for (const auto& b : all) {
    std::cout << b.name << " (" << (b.name == "file" ? "encrypted files" : display_name(b.name)) << "): ";
    if (b.state != "ok") {
      std::cout << (b.state == "cannot_enumerate" ? "cannot list services" : b.state) << ": " << printable(b.reason)
                << '\n';
    } else if (b.services.empty()) {
      std::cout << "no services\n";
    } else {
      std::cout << b.services.size() << (b.services.size() == 1 ? " service\n" : " services\n");
      for (const auto& s : b.services) {
        std::cout << "  " << printable(s.service) << '\t' << s.keys << (s.keys == 1 ? " key\n" : " keys\n");
      }
    }
  }
  return exit_code::ok;
}

}  // namespace

wired_command add_services(CLI::App& app) {
  auto* command = app.add_subcommand("services", "list the services each backend holds keys for, with how many");
  command->footer(
      "Every backend this securestore has is asked: the Secret Service (items securestore wrote), the\n"
      "kernel keyring, pass (the folder securestore writes) and the encrypted files (the store directories\n"
      "beside --fallback-dir's). A library store's service is <app>:provider-keys and the like (use it with\n"
      "--service, or --app and --store). A backend that cannot be asked now says why; one that cannot list\n"
      "its services says so. Never prompts, and never reads a value.\n\n"
      "Examples:\n"
      "  securestore services\n"
      "  securestore --json services\n");
  return {command, [](const global_options& g) { return list_services(g); }, /*needs_every_backend=*/true};
}

}  // namespace securestore::tool
