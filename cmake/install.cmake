# install(): headers, the exported targets, securestoreConfig.cmake (+ version) and securestore.pc.
include(CMakePackageConfigHelpers)
install(DIRECTORY include/securestore DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS securestore ${SECURESTORE_BACKEND_TARGETS} securestore_platform EXPORT securestoreTargets)
install(EXPORT securestoreTargets NAMESPACE securestore:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
configure_package_config_file(cmake/securestoreConfig.cmake.in ${PROJECT_BINARY_DIR}/securestoreConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/securestoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/securestoreConfig.cmake ${PROJECT_BINARY_DIR}/securestoreConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/securestore)
configure_file(cmake/securestore.pc.in ${PROJECT_BINARY_DIR}/securestore.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/securestore.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
