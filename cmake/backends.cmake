# Keyring backends as opt-in INTERFACE targets. A backend whose system library is missing is
# simply not defined; its header is then unusable, and the rest of the library is unaffected.
pkg_check_modules(libsecret IMPORTED_TARGET GLOBAL libsecret-1)
if(libsecret_FOUND)
  add_library(securestore_secret_service INTERFACE)
  add_library(securestore::secret_service ALIAS securestore_secret_service)
  set_target_properties(securestore_secret_service PROPERTIES EXPORT_NAME secret_service)
  target_link_libraries(securestore_secret_service INTERFACE securestore PkgConfig::libsecret)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_secret_service)
endif()

find_library(SECURESTORE_KEYUTILS_LIBRARY keyutils)
find_path(SECURESTORE_KEYUTILS_INCLUDE keyutils.h)
if(SECURESTORE_KEYUTILS_LIBRARY AND SECURESTORE_KEYUTILS_INCLUDE)
  add_library(securestore_keyutils INTERFACE)
  add_library(securestore::keyutils ALIAS securestore_keyutils)
  set_target_properties(securestore_keyutils PROPERTIES EXPORT_NAME keyutils)
  target_link_libraries(securestore_keyutils INTERFACE securestore keyutils)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_keyutils)
endif()

# pass needs no library at build time: it is a program run with an argument vector.
add_library(securestore_pass INTERFACE)
add_library(securestore::pass ALIAS securestore_pass)
set_target_properties(securestore_pass PROPERTIES EXPORT_NAME pass)
target_link_libraries(securestore_pass INTERFACE securestore)
list(APPEND SECURESTORE_BACKEND_TARGETS securestore_pass)

# securestore::platform: the core plus this platform's default keyring, which securestore.hpp
# then uses for `secure_store`.
add_library(securestore_platform INTERFACE)
add_library(securestore::platform ALIAS securestore_platform)
set_target_properties(securestore_platform PROPERTIES EXPORT_NAME platform)
target_link_libraries(securestore_platform INTERFACE securestore)
if(TARGET securestore_secret_service)
  target_link_libraries(securestore_platform INTERFACE securestore_secret_service)
  target_compile_definitions(securestore_platform INTERFACE SECURESTORE_WITH_SECRET_SERVICE=1)
endif()
