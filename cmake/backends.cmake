# Keyring backends as opt-in INTERFACE targets, one per line of the backend list
# (include/securestore/keyring/backend_list.hpp, read here), each described by
# cmake/backends/<id>.cmake. A backend whose system library is missing is simply not defined; its
# header is then unusable, and the rest of the library is unaffected. SECURESTORE_BACKENDS names
# the backends to offer (default: every listed one whose system library is found); the core alone
# builds with only Botan, Boost and nlohmann/json.

# SECURESTORE_KNOWN_BACKENDS: every backend of the list, in its order ("secret_service;keyutils;pass").
file(READ ${PROJECT_SOURCE_DIR}/include/securestore/keyring/backend_list.hpp securestore_backend_list)
string(REGEX MATCHALL "\n  X\\([a-z_]+" securestore_list_entries "${securestore_backend_list}")
set(SECURESTORE_KNOWN_BACKENDS "")
foreach(entry IN LISTS securestore_list_entries)
  string(REGEX REPLACE ".*X\\(" "" id "${entry}")
  list(APPEND SECURESTORE_KNOWN_BACKENDS ${id})
endforeach()

set(SECURESTORE_BACKENDS "${SECURESTORE_KNOWN_BACKENDS}" CACHE STRING "Keyring backends to build targets for")
set(SECURESTORE_BACKEND_TARGETS "")

foreach(backend IN LISTS SECURESTORE_KNOWN_BACKENDS)
  if(NOT backend IN_LIST SECURESTORE_BACKENDS)
    continue()
  endif()
  include(${PROJECT_SOURCE_DIR}/cmake/backends/${backend}.cmake)
  if(NOT securestore_backend_found)
    continue()
  endif()
  add_library(securestore_${backend} INTERFACE)
  add_library(securestore::${backend} ALIAS securestore_${backend})
  set_target_properties(securestore_${backend} PROPERTIES EXPORT_NAME ${backend})
  target_link_libraries(securestore_${backend} INTERFACE securestore ${securestore_backend_libraries})
  # Linking the backend is what offers it: in any_keyring, and as keyring/default.hpp's default.
  string(TOUPPER ${backend} upper)
  target_compile_definitions(securestore_${backend} INTERFACE SECURESTORE_WITH_${upper}=1)
  list(APPEND SECURESTORE_BACKEND_TARGETS securestore_${backend})
  set(SECURESTORE_PC_REQUIRES_${backend} "${securestore_backend_pc_requires}")
  set(SECURESTORE_PC_LIBS_${backend} "${securestore_backend_pc_libs}")
endforeach()

# securestore::platform: the core plus this platform's keyring (the Secret Service on Linux), which
# keyring/default.hpp then makes secure_store's.
add_library(securestore_platform INTERFACE)
add_library(securestore::platform ALIAS securestore_platform)
set_target_properties(securestore_platform PROPERTIES EXPORT_NAME platform)
target_link_libraries(securestore_platform INTERFACE securestore)
if(TARGET securestore_secret_service)
  target_link_libraries(securestore_platform INTERFACE securestore_secret_service)
endif()
