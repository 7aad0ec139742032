// extension_settings: saves an extension's settings (the API key in the store, the rest in a
// private .env file that round-trips quotes and newlines), loads them back, and removes them.
#include <unistd.h>

#include <iostream>
#include <string>

#include <securestore/stores/extension_settings.hpp>

int main() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("securestore-example-extension-" + std::to_string(::getpid()));
  securestore::extension_settings settings{"example-app", "weather@1.0.0", dir};
  const std::vector<securestore::extension_setting> declared{
      {"WEATHER_API_KEY", true, "the weather service's API key"},
      {"WEATHER_CITY", false, "the default city"},
  };
  if (auto saved = settings.save(
          declared, {{"WEATHER_API_KEY", "wk-example-0123456789"}, {"WEATHER_CITY", "Saint-\"Malo\"\n(Brittany)"}});
      !saved) {
    std::cerr << "save failed: " << saved.error().message() << "\n";
    return 1;
  }
  auto loaded = settings.load(declared);
  if (!loaded) {
    std::cerr << "load failed: " << loaded.error().message() << "\n";
    return 1;
  }
  const bool same_city = loaded.value().values.at("WEATHER_CITY") == "Saint-\"Malo\"\n(Brittany)";
  std::cout << "service: " << securestore::extension_service_name("example-app", "weather@1.0.0") << "\n"
            << "city round-tripped through " << settings.env_file() << ": " << (same_city ? "yes" : "NO") << "\n"
            << "API key: " << securestore::mask_for_display(loaded.value().secrets.at("WEATHER_API_KEY")) << "\n";
  if (auto removed = settings.remove_all(); !removed) {
    std::cerr << "remove_all failed: " << removed.error().message() << "\n";
    return 1;
  }
  std::filesystem::remove_all(dir);
  return same_city ? 0 : 1;
}
