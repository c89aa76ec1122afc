# What `cmake --install build --prefix P` puts in P: the `ims` command, libims
# with its SONAME, the public headers (include/ims/ only: internal headers
# stay in the source tree), the CMake package (imsConfig.cmake, its version
# file, imsTargets.cmake) and ims.pc for pkg-config.
include(CMakePackageConfigHelpers)

set(IMS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ims)

install(TARGETS ims RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ims_api EXPORT imsTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ims DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/ims/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ims)
install(EXPORT imsTargets NAMESPACE ims:: DESTINATION ${IMS_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/imsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/imsConfig.cmake INSTALL_DESTINATION ${IMS_CMAKE_DIR})
# 0.x: a new minor version may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/imsConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/imsConfig.cmake ${PROJECT_BINARY_DIR}/imsConfigVersion.cmake
  DESTINATION ${IMS_CMAKE_DIR})

configure_file(${PROJECT_SOURCE_DIR}/cmake/ims.pc.in ${PROJECT_BINARY_DIR}/ims.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ims.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
