# Tests of the C ABI, licet-verify, the examples and the installed package. Included by
# tests/verifier/CMakeLists.txt.
set(LICET_CAPI_TESTS ${CMAKE_CURRENT_LIST_DIR})

add_library(licet_capi_testkit STATIC ${LICET_CAPI_TESTS}/capi_testkit.cpp)
target_link_libraries(licet_capi_testkit PUBLIC licet_common licet_keys)
licet_warnings(licet_capi_testkit)

add_executable(licet_test_mint ${LICET_CAPI_TESTS}/capi_mint_tool.cpp)
target_link_libraries(licet_test_mint PRIVATE licet_capi_testkit)
licet_warnings(licet_test_mint)


add_executable(licet_cli_test ${LICET_CAPI_TESTS}/cli_test.cpp)
target_link_libraries(licet_cli_test PRIVATE licet_capi_testkit GTest::gtest_main)
# cpp-httplib for the test servers of the online tests (here, online.cmake and e2e.cmake).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LICET_TEST_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
target_compile_definitions(licet_cli_test PRIVATE LICET_VERIFY_BIN="$<TARGET_FILE:licet-verify>")
add_dependencies(licet_cli_test licet-verify)
licet_warnings(licet_cli_test)
gtest_discover_tests(licet_cli_test DISCOVERY_TIMEOUT 60)

# The C ABI through the shared library, as a C or FFI caller uses it.
add_executable(licet_capi_test ${LICET_CAPI_TESTS}/capi_test.cpp)
target_link_libraries(licet_capi_test PRIVATE licet_shared licet_capi_testkit GTest::gtest_main)
licet_warnings(licet_capi_test)
gtest_discover_tests(licet_capi_test DISCOVERY_TIMEOUT 60)

# licet.h is C99: compile it with a strict C compiler as a test of its own.
add_test(NAME capi.header_is_c99
         COMMAND ${CMAKE_C_COMPILER} -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only
                 -I${LICET_CAPI_TESTS}/../../verifier/include ${LICET_CAPI_TESTS}/capi_header_c99_test.c)

# The examples as processes (C, C++ and, outside sanitizer builds, Python through ctypes: an
# ASan-instrumented liblicet.so cannot be loaded into a plain python3): what each tells the user
# here, and the whole license lifecycle against the real `licet serve` in e2e.cmake.
function(licet_use_examples target)
  target_compile_definitions(${target} PRIVATE
    LICET_EXAMPLE_C="$<TARGET_FILE:licet_example_c>"
    LICET_EXAMPLE_C_STATIC="$<TARGET_FILE:licet_example_c_static>"
    LICET_EXAMPLE_CPP="$<TARGET_FILE:licet_example_cpp>"
    LICET_SHARED_LIBRARY="$<TARGET_FILE:licet_shared>")
  # /usr/bin first: a pyenv shim adds half a second to every run.
  find_program(Python3_EXECUTABLE NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_Interpreter_FOUND AND NOT LICET_SANITIZE)
    target_compile_definitions(${target} PRIVATE
      LICET_PYTHON="${Python3_EXECUTABLE}"
      LICET_EXAMPLE_PY="${LICET_CAPI_TESTS}/../../examples/python/license_flow.py")
  endif()
  add_dependencies(${target} licet_example_c licet_example_c_static licet_example_cpp
                   licet_shared)
endfunction()
if(EXISTS ${LICET_CAPI_TESTS}/../../examples/CMakeLists.txt)
  add_executable(licet_capi_examples_test ${LICET_CAPI_TESTS}/capi_examples_test.cpp)
  target_link_libraries(licet_capi_examples_test PRIVATE licet_capi_testkit GTest::gtest_main)
  licet_use_examples(licet_capi_examples_test)
  licet_warnings(licet_capi_examples_test)
  gtest_discover_tests(licet_capi_examples_test DISCOVERY_TIMEOUT 60)
endif()

# Install into a temporary prefix and build consumers with find_package(licet) and pkg-config.
set(LICET_CAPI_EXTRA_FLAGS "")
if(LICET_SANITIZE)
  set(LICET_CAPI_EXTRA_FLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME capi.install_and_consume
         COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR}
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/capi_install
                 -DSOURCE_DIR=${LICET_CAPI_TESTS}/capi_install
                 -DMINT=$<TARGET_FILE:licet_test_mint>
                 -DC_COMPILER=${CMAKE_C_COMPILER} -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
                 -DGENERATOR=${CMAKE_GENERATOR} -DEXTRA_FLAGS=${LICET_CAPI_EXTRA_FLAGS}
                 -P ${LICET_CAPI_TESTS}/capi_install/run.cmake)
set_tests_properties(capi.install_and_consume PROPERTIES TIMEOUT 300)

add_test(NAME capi.shared_library_exports
         COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:licet_shared>
                 -DHEADER=${LICET_CAPI_TESTS}/../../verifier/include/licet/licet.h
                 -P ${LICET_CAPI_TESTS}/capi_exports.cmake)

# No libcurl in licet-verify, liblicet.so or an app linking liblicet (loaded on first use only).
if(EXISTS ${LICET_CAPI_TESTS}/../../examples/CMakeLists.txt)
  add_test(NAME capi.no_libcurl_linked
           COMMAND ${CMAKE_COMMAND}
                   "-DBINARIES=$<TARGET_FILE:licet-verify>|$<TARGET_FILE:licet_shared>|$<TARGET_FILE:licet_example_c>"
                   -P ${LICET_CAPI_TESTS}/no_libcurl_linked.cmake)
endif()
