# The C ABI and what ships: liblicet.so / liblicet.a (the verifier with common/ and keys/ inside,
# libsodium outside), the licet-verify CLI, and the install rules + CMake/pkg-config package.
# Included at the end of verifier/CMakeLists.txt, after the licet_verifier target exists.
set(LICET_CAPI_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LICET_CAPI_ROOT ${LICET_CAPI_DIR}/..)

# What the verifier links outside licet itself (libsodium, the dynamic loader for libcurl,
# threads). libcurl itself is never linked: it is loaded with dlopen on the first network call.
# RapidJSON is headers only, needed to build but never by a consumer.
set(LICET_CAPI_DEPS "")
foreach(t licet_verifier licet_common licet_keys)
  get_target_property(_licet_libs ${t} LINK_LIBRARIES)
  if(NOT _licet_libs)
    continue()
  endif()
  foreach(l IN LISTS _licet_libs)
    if(l MATCHES "^licet_" OR l MATCHES "^licet::")
      continue()
    elseif(l STREQUAL "RapidJSON::RapidJSON")
      list(APPEND LICET_CAPI_DEPS "$<BUILD_INTERFACE:${l}>")
    elseif(l STREQUAL "Threads::Threads")
      # An installed consumer gets the flag, not a target its own project may not define.
      list(APPEND LICET_CAPI_DEPS "$<BUILD_INTERFACE:${l}>" "$<INSTALL_INTERFACE:-pthread>")
    else()
      list(APPEND LICET_CAPI_DEPS "${l}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES LICET_CAPI_DEPS)
set_property(GLOBAL PROPERTY LICET_CAPI_DEPS "${LICET_CAPI_DEPS}")  # for examples/
set(LICET_CAPI_NEEDS_CURL OFF)
if(LICET_CAPI_DEPS MATCHES "CURL")
  set(LICET_CAPI_NEEDS_CURL ON)
endif()

# The C ABI sources (src/c_api*.cpp: a later part may add its functions in a file of its own),
# compiled once, hidden by default: only LICET_API functions leave the shared library.
file(GLOB LICET_CAPI_SOURCES CONFIGURE_DEPENDS ${LICET_CAPI_DIR}/src/c_api*.cpp)
add_library(licet_capi_objects OBJECT ${LICET_CAPI_SOURCES})
target_link_libraries(licet_capi_objects PRIVATE licet_verifier)
set_target_properties(licet_capi_objects PROPERTIES CXX_VISIBILITY_PRESET hidden
                                                    VISIBILITY_INLINES_HIDDEN ON)
licet_warnings(licet_capi_objects)

set(LICET_CAPI_OBJECTS
    $<TARGET_OBJECTS:licet_capi_objects> $<TARGET_OBJECTS:licet_verifier>
    $<TARGET_OBJECTS:licet_common> $<TARGET_OBJECTS:licet_keys>)
set(LICET_PUBLIC_INCLUDES
    $<BUILD_INTERFACE:${LICET_CAPI_DIR}/include>
    $<BUILD_INTERFACE:${LICET_CAPI_ROOT}/common/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

add_library(licet_shared SHARED ${LICET_CAPI_OBJECTS})
add_library(licet::licet ALIAS licet_shared)
target_include_directories(licet_shared PUBLIC ${LICET_PUBLIC_INCLUDES})
target_link_libraries(licet_shared PRIVATE ${LICET_CAPI_DEPS})
# The version script keeps the C ABI and the C++ API (licet::Verifier and friends) exported and
# everything else (common/, keys/, RapidJSON) local, whatever visibility it was compiled with.
set(LICET_EXPORT_MAP ${LICET_CAPI_DIR}/src/c_api.map)
target_link_options(licet_shared PRIVATE "LINKER:--version-script=${LICET_EXPORT_MAP}"
                    "LINKER:--no-undefined")
set_target_properties(licet_shared PROPERTIES
  OUTPUT_NAME licet
  EXPORT_NAME licet
  LINKER_LANGUAGE CXX
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${LICET_EXPORT_MAP})

add_library(licet_static STATIC ${LICET_CAPI_OBJECTS})
add_library(licet::licet_static ALIAS licet_static)
target_include_directories(licet_static PUBLIC ${LICET_PUBLIC_INCLUDES})
target_link_libraries(licet_static PUBLIC ${LICET_CAPI_DEPS})
set_target_properties(licet_static PROPERTIES
  OUTPUT_NAME licet
  EXPORT_NAME licet_static
  LINKER_LANGUAGE CXX)

include(${LICET_CAPI_DIR}/cli/cli.cmake)

# --- install ---------------------------------------------------------------------------------
include(CMakePackageConfigHelpers)
install(FILES ${LICET_CAPI_DIR}/include/licet/verifier.hpp ${LICET_CAPI_DIR}/include/licet/licet.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/licet COMPONENT licet)
install(FILES ${LICET_CAPI_ROOT}/common/include/licet/common/error.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/licet/common COMPONENT licet)
install(TARGETS licet_shared licet_static EXPORT licetTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT licet
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT licet
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT licet)
install(TARGETS licet-verify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT licet)
install(EXPORT licetTargets NAMESPACE licet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/licet
        COMPONENT licet)
configure_package_config_file(${LICET_CAPI_ROOT}/cmake/licetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/licetConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/licet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/licetConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/licetConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/licetConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/licet COMPONENT licet)
set(LICET_PC_PRIVATE_LIBS "-lstdc++ -pthread")
foreach(l IN LISTS CMAKE_DL_LIBS)
  string(APPEND LICET_PC_PRIVATE_LIBS " -l${l}")
endforeach()
if(LICET_CAPI_NEEDS_CURL)
  set(LICET_PC_REQUIRES_PRIVATE "libsodium, libcurl")
else()
  set(LICET_PC_REQUIRES_PRIVATE "libsodium")
endif()
# Relative, so the installed tree can move (cmake --install --prefix anywhere).
file(RELATIVE_PATH LICET_PC_PREFIX /x/${CMAKE_INSTALL_LIBDIR}/pkgconfig /x)
string(REGEX REPLACE "/$" "" LICET_PC_PREFIX "${LICET_PC_PREFIX}")
configure_file(${LICET_CAPI_ROOT}/cmake/licet.pc.in ${CMAKE_CURRENT_BINARY_DIR}/licet.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/licet.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT licet)
