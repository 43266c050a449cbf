# The client's end-to-end tests: the verifier library, the C ABI, licet-verify and the examples
# against the real `licet serve` and `licet` CLI (real_server.hpp). Included by
# tests/verifier/CMakeLists.txt after capi.cmake and online.cmake, only when the issuer is built
# (the fuzz preset has LICET_BUILD_ISSUER=OFF) and the verifier has its network code.
if(NOT TARGET licet OR NOT LICET_WITH_CURL)
  return()
endif()
# faketime backdates `licet issue` for an expired license (scripts/lib.sh installs it).
find_program(LICET_FAKETIME faketime)

# One ctest test per suite that shares a `licet serve` (SetUpTestSuite): a process per test would
# start a ledger and a server for every test. The binary's other tests are discovered one by one.
function(licet_add_e2e_test target)
  cmake_parse_arguments(E2E "" "" "SOURCES;LIBRARIES;SHARED_SUITES" ${ARGN})
  add_executable(${target} ${E2E_SOURCES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${target} PRIVATE ${E2E_LIBRARIES} PkgConfig::LICET_TEST_HTTPLIB
                                          GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE LICET_BIN="$<TARGET_FILE:licet>"
                                                LICET_FAKETIME="${LICET_FAKETIME}")
  add_dependencies(${target} licet)
  licet_warnings(${target})
  set(exclude "")
  foreach(suite ${E2E_SHARED_SUITES})
    string(REPLACE "/" "." name "${target}.${suite}")
    add_test(NAME ${name} COMMAND ${target} --gtest_filter=${suite}.*)
    set_tests_properties(${name} PROPERTIES TIMEOUT 600)
    string(APPEND exclude ":${suite}.*")
  endforeach()
  string(REGEX REPLACE "^:" "-" exclude "${exclude}")
  gtest_discover_tests(${target} TEST_FILTER "${exclude}" DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 120)
endfunction()

# The C++ API (with the internal device-key header of verifier/src).
licet_add_e2e_test(test_verifier_lifecycle
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_lifecycle.cpp
  LIBRARIES licet_verifier licet_capi_testkit
  SHARED_SUITES Lifecycle LifecycleTls)
target_include_directories(test_verifier_lifecycle PRIVATE ${PROJECT_SOURCE_DIR}/verifier/src)

# licet-verify as a process.
licet_add_e2e_test(licet_cli_lifecycle_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_lifecycle_test.cpp
  LIBRARIES licet_capi_testkit
  SHARED_SUITES CliLifecycle)
target_compile_definitions(licet_cli_lifecycle_test PRIVATE
  LICET_VERIFY_BIN="$<TARGET_FILE:licet-verify>")
add_dependencies(licet_cli_lifecycle_test licet-verify)

# The C ABI through the shared library, as a C or FFI caller uses it.
licet_add_e2e_test(licet_capi_lifecycle_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/capi_lifecycle_test.cpp
  LIBRARIES licet_shared licet_capi_testkit
  SHARED_SUITES CapiLifecycle)

# The examples as processes, the whole lifecycle.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../../examples/CMakeLists.txt)
  licet_add_e2e_test(licet_examples_online_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/examples_online_test.cpp
    LIBRARIES licet_capi_testkit
    SHARED_SUITES AllLanguages/ExamplesOnline)
  licet_use_examples(licet_examples_online_test)
endif()
