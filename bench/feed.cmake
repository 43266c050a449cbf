# bench_feed: the revocation feed at 1 000 000 entries (size, publish, load+verify, lookup) and a
# license check with it loaded vs raw Ed25519 verify. Results: docs/PERFORMANCE.md.
if(TARGET licet_verifier)
  add_executable(bench_feed ${CMAKE_CURRENT_LIST_DIR}/bench_feed.cpp)
  target_link_libraries(bench_feed PRIVATE benchmark::benchmark licet_verifier)
  licet_warnings(bench_feed)
endif()
