# Keyring backends as opt-in INTERFACE targets. A backend whose system library is missing is
# simply not defined; its header is then unusable, and the rest of the library is unaffected.
# SECURESTORE_BACKENDS names the backends to offer (default: every one whose system library is
# found); the core alone builds with only Botan, Boost and nlohmann/json.
set(SECURESTORE_BACKENDS "secret_service;keyutils;pass" CACHE STRING "Keyring backends to build targets for")

# The Secret Service is spoken over D-Bus through GIO; libsecret is not needed.
if("secret_service" IN_LIST SECURESTORE_BACKENDS)
  pkg_check_modules(gio IMPORTED_TARGET GLOBAL gio-2.0)
endif()
if(gio_FOUND)
  add_library(securestore_secret_service INTERFACE)
  add_library(securestore::secret_service ALIAS securestore_secret_service)
  set_target_properties(securestore_secret_service PROPERTIES EXPORT_NAME secret_service)
  target_link_libraries(securestore_secret_service INTERFACE securestore PkgConfig::gio)
  # Linking the backend is what makes secure_store the Secret Service store (securestore.hpp).
  target_compile_definitions(securestore_secret_service INTERFACE SECURESTORE_WITH_SECRET_SERVICE=1)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_secret_service)
endif()

if("keyutils" IN_LIST SECURESTORE_BACKENDS)
  find_library(SECURESTORE_KEYUTILS_LIBRARY keyutils)
  find_path(SECURESTORE_KEYUTILS_INCLUDE keyutils.h)
endif()
if(SECURESTORE_KEYUTILS_LIBRARY AND SECURESTORE_KEYUTILS_INCLUDE)
  add_library(securestore_keyutils INTERFACE)
  add_library(securestore::keyutils ALIAS securestore_keyutils)
  set_target_properties(securestore_keyutils PROPERTIES EXPORT_NAME keyutils)
  target_link_libraries(securestore_keyutils INTERFACE securestore keyutils)
  # Linking the backend is what offers it in any_keyring (keyring/any.hpp).
  target_compile_definitions(securestore_keyutils INTERFACE SECURESTORE_WITH_KEYUTILS=1)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_keyutils)
endif()

# pass needs no library at build time: it is a program run with an argument vector.
if("pass" IN_LIST SECURESTORE_BACKENDS)
  add_library(securestore_pass INTERFACE)
  add_library(securestore::pass ALIAS securestore_pass)
  set_target_properties(securestore_pass PROPERTIES EXPORT_NAME pass)
  target_link_libraries(securestore_pass INTERFACE securestore)
  target_compile_definitions(securestore_pass INTERFACE SECURESTORE_WITH_PASS=1)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_pass)
endif()

# securestore::platform: the core plus this platform's default keyring, which securestore.hpp
# then uses for `secure_store`.
add_library(securestore_platform INTERFACE)
add_library(securestore::platform ALIAS securestore_platform)
set_target_properties(securestore_platform PROPERTIES EXPORT_NAME platform)
target_link_libraries(securestore_platform INTERFACE securestore)
if(TARGET securestore_secret_service)
  target_link_libraries(securestore_platform INTERFACE securestore_secret_service)
endif()
