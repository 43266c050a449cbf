# The ledger-facing commands (audit, backup, restore, show, list, stats, inspect), through the
# `licet` binary. Licenses are seeded with the ledger library the way the issuing commands
# record them; the seeding writer also runs as a separate process for the concurrent backup test.
add_library(ledgerops_testutil STATIC ${LICET_ISSUER_TEST_DIR}/ledgerops_util.cpp)
target_include_directories(ledgerops_testutil PUBLIC ${CMAKE_SOURCE_DIR}/tests)
target_link_libraries(ledgerops_testutil PUBLIC licet_issuer GTest::gtest)
target_compile_definitions(ledgerops_testutil PUBLIC LICET_BIN="$<TARGET_FILE:licet>")
licet_warnings(ledgerops_testutil)

add_executable(ledgerops_writer ${LICET_ISSUER_TEST_DIR}/ledgerops_writer.cpp)
target_link_libraries(ledgerops_writer PRIVATE ledgerops_testutil)
licet_warnings(ledgerops_writer)

add_executable(test_issuer_ledgerops
  ${LICET_ISSUER_TEST_DIR}/audit_test.cpp
  ${LICET_ISSUER_TEST_DIR}/backup_restore_test.cpp
  ${LICET_ISSUER_TEST_DIR}/show_list_stats_test.cpp
  ${LICET_ISSUER_TEST_DIR}/inspect_test.cpp
  ${LICET_ISSUER_TEST_DIR}/audit_show_inspect_cli_test.cpp
)
target_link_libraries(test_issuer_ledgerops PRIVATE ledgerops_testutil GTest::gtest_main)
target_compile_definitions(test_issuer_ledgerops PRIVATE
  LEDGEROPS_WRITER="$<TARGET_FILE:ledgerops_writer>")
add_dependencies(test_issuer_ledgerops licet ledgerops_writer)
licet_warnings(test_issuer_ledgerops)
gtest_discover_tests(test_issuer_ledgerops DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
