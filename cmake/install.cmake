# install(): headers, the exported targets, securestoreConfig.cmake (+ version) and securestore.pc.
include(CMakePackageConfigHelpers)
install(DIRECTORY include/securestore DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS securestore ${SECURESTORE_BACKEND_TARGETS} securestore_platform securestore_compiled
        EXPORT securestoreTargets)
install(EXPORT securestoreTargets NAMESPACE securestore:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
configure_package_config_file(cmake/securestoreConfig.cmake.in ${PROJECT_BINARY_DIR}/securestoreConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/securestoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/securestoreConfig.cmake ${PROJECT_BINARY_DIR}/securestoreConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
# pkg-config: the core (securestore.pc), one file per backend that adds its library and the
# define that offers it (securestore-secret-service.pc ...), and securestore-platform.pc, which is
# what secure_store needs to use this platform's keyring: the CMake target or the .pc a program
# is built with, not the header it includes, decides which keyring secure_store uses.
configure_file(cmake/securestore.pc.in ${PROJECT_BINARY_DIR}/securestore.pc @ONLY)
set(securestore_pc_files ${PROJECT_BINARY_DIR}/securestore.pc)
set(platform_requires securestore)
foreach(backend IN LISTS SECURESTORE_KNOWN_BACKENDS)
  if(NOT TARGET securestore_${backend})
    continue()
  endif()
  string(REPLACE "_" "-" pc_name "securestore-${backend}")
  string(TOUPPER ${backend} upper)
  string(STRIP "securestore ${SECURESTORE_PC_REQUIRES_${backend}}" pc_requires)
  set(pc_libs "${SECURESTORE_PC_LIBS_${backend}}")
  if(TARGET securestore_platform AND backend STREQUAL "secret_service")
    list(APPEND platform_requires ${pc_name})
  endif()
  file(WRITE ${PROJECT_BINARY_DIR}/${pc_name}.pc
       "prefix=${CMAKE_INSTALL_PREFIX}\n\nName: ${pc_name}\nDescription: securestore's ${backend} keyring backend\n"
       "Version: ${PROJECT_VERSION}\nRequires: ${pc_requires}\nCflags: -DSECURESTORE_WITH_${upper}=1\n"
       "Libs: ${pc_libs}\n")
  list(APPEND securestore_pc_files ${PROJECT_BINARY_DIR}/${pc_name}.pc)
endforeach()
list(JOIN platform_requires " " platform_requires)
file(WRITE ${PROJECT_BINARY_DIR}/securestore-platform.pc
     "prefix=${CMAKE_INSTALL_PREFIX}\n\nName: securestore-platform\n"
     "Description: securestore with this platform's keyring (what secure_store uses)\n"
     "Version: ${PROJECT_VERSION}\nRequires: ${platform_requires}\nCflags:\nLibs:\n")
list(APPEND securestore_pc_files ${PROJECT_BINARY_DIR}/securestore-platform.pc)
# securestore-compiled.pc: the same, compiled once (securestore::compiled; README, "Compile time").
file(WRITE ${PROJECT_BINARY_DIR}/securestore-compiled.pc
     "prefix=${CMAKE_INSTALL_PREFIX}\n\nName: securestore-compiled\n"
     "Description: securestore-platform with the stores compiled once, in the file that includes securestore/src.hpp\n"
     "Version: ${PROJECT_VERSION}\nRequires: securestore-platform\nCflags: -DSECURESTORE_SEPARATE_COMPILATION=1\n"
     "Libs:\n")
list(APPEND securestore_pc_files ${PROJECT_BINARY_DIR}/securestore-compiled.pc)
install(FILES ${securestore_pc_files} DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
