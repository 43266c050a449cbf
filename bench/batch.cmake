# bench_batch: batch issuance end to end (CSV parse, sign on every core, ledger, files) against
# raw crypto_sign_detached on one core. Results: docs/PERFORMANCE.md "Batch issuance".
if(TARGET licet_core)
  add_executable(bench_batch ${CMAKE_CURRENT_LIST_DIR}/bench_batch.cpp)
  target_link_libraries(bench_batch PRIVATE benchmark::benchmark licet_core)
  licet_warnings(bench_batch)
endif()
