// tokens: stores an OAuth token for a server and asks token_manager for a valid one, which
// calls the refresh callback because the token expires within 5 minutes.
#include <iostream>

#include <securestore/stores/tokens.hpp>

int main() {
  using namespace std::chrono_literals;
  securestore::token_store tokens{"example-app"};  // service "example-app:oauth-tokens"
  securestore::token_manager manager{tokens};

  securestore::oauth_credentials c;
  c.server_name = "https://mcp.example.com/sse";  // any characters; listed back exactly
  c.token.access_token = securestore::secret{"access-example-0123456789"};
  c.token.refresh_token = securestore::secret{"refresh-example-9876543210"};
  c.token.token_type = "Bearer";
  c.token.expires_at = std::chrono::system_clock::now() + 2min;  // inside the 5-minute margin
  if (auto saved = tokens.save(c); !saved) {
    std::cerr << "save failed: " << saved.error().message() << "\n";
    return 1;
  }

  // The application's token endpoint call; here it just mints a new token.
  auto refresh = [](const securestore::oauth_credentials& old) -> securestore::result<securestore::oauth_credentials> {
    auto next = old;
    next.token.access_token = securestore::secret{"access-example-refreshed-42"};
    next.token.expires_at = std::chrono::system_clock::now() + 1h;
    return next;
  };
  auto valid = manager.valid_token(c.server_name, refresh);
  if (!valid) {
    std::cerr << "valid_token failed: " << valid.error().message() << "\n";
    return 1;
  }
  const auto& fresh = valid.value().credentials;
  if (valid.value().unsaved) {  // usable now, but the refresh will not outlive this run
    std::cerr << "warning: the refreshed token could not be saved: " << valid.value().unsaved->what() << "\n";
  }
  std::cout << "token for " << fresh.server_name << ": " << securestore::mask_for_display(fresh.token.access_token)
            << " (refreshed)\n";

  auto servers = tokens.list();
  if (!servers) return 1;
  std::cout << "servers:";
  for (const auto& s : servers.value()) std::cout << " '" << s << "'";
  std::cout << "\n";
  (void)tokens.remove(c.server_name);
  return 0;
}
