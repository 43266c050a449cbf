# Tests of the C ABI, licet-verify, the examples and the installed package. Included by
# tests/verifier/CMakeLists.txt.
set(LICET_CAPI_TESTS ${CMAKE_CURRENT_LIST_DIR})

add_library(licet_capi_testkit STATIC ${LICET_CAPI_TESTS}/capi_testkit.cpp)
target_link_libraries(licet_capi_testkit PUBLIC licet_common licet_keys)
licet_warnings(licet_capi_testkit)

add_executable(licet_test_mint ${LICET_CAPI_TESTS}/capi_mint_tool.cpp)
target_link_libraries(licet_test_mint PRIVATE licet_capi_testkit)
licet_warnings(licet_test_mint)

# The C ABI through the shared library, as a C or FFI caller uses it.
add_executable(licet_capi_test ${LICET_CAPI_TESTS}/capi_test.cpp)
target_link_libraries(licet_capi_test PRIVATE licet_shared licet_capi_testkit GTest::gtest_main)
licet_warnings(licet_capi_test)
gtest_discover_tests(licet_capi_test DISCOVERY_TIMEOUT 60)

add_executable(licet_cli_test ${LICET_CAPI_TESTS}/cli_test.cpp)
target_link_libraries(licet_cli_test PRIVATE licet_capi_testkit GTest::gtest_main)
target_compile_definitions(licet_cli_test PRIVATE LICET_VERIFY_BIN="$<TARGET_FILE:licet-verify>")
add_dependencies(licet_cli_test licet-verify)
licet_warnings(licet_cli_test)
gtest_discover_tests(licet_cli_test DISCOVERY_TIMEOUT 60)

# licet.h is C99: compile it with a strict C compiler as a test of its own.
add_test(NAME capi.header_is_c99
         COMMAND ${CMAKE_C_COMPILER} -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only
                 -I${LICET_CAPI_TESTS}/../../verifier/include ${LICET_CAPI_TESTS}/capi_header_c99_test.c)
