# The Secret Service backend: spoken over D-Bus through GIO; libsecret is not needed.
# Sets securestore_backend_found, and the pkg-config facts of securestore-secret-service.pc.
pkg_check_modules(gio IMPORTED_TARGET GLOBAL gio-2.0)
set(securestore_backend_found ${gio_FOUND})
set(securestore_backend_libraries PkgConfig::gio)
set(securestore_backend_pc_requires "gio-2.0")
set(securestore_backend_pc_libs "")
