# Key management, issuance, batch and the support lifecycle (reissue, extend, seats, revoke,
# reinstate, offline activation), through the `licet` binary.
add_executable(test_issuer_lifecycle
  ${LICET_ISSUER_TEST_DIR}/test_lifecycle_keys.cpp
  ${LICET_ISSUER_TEST_DIR}/test_lifecycle_issue.cpp
  ${LICET_ISSUER_TEST_DIR}/test_lifecycle_support.cpp
  ${LICET_ISSUER_TEST_DIR}/test_lifecycle_batch.cpp
)
target_include_directories(test_issuer_lifecycle PRIVATE ${CMAKE_SOURCE_DIR}/tests)
target_link_libraries(test_issuer_lifecycle PRIVATE licet_issuer GTest::gtest_main)
target_compile_definitions(test_issuer_lifecycle PRIVATE LICET_BIN="$<TARGET_FILE:licet>")
add_dependencies(test_issuer_lifecycle licet)
licet_warnings(test_issuer_lifecycle)
gtest_discover_tests(test_issuer_lifecycle DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
