# bench_verifier: raw Ed25519 verify vs a fresh license check vs a cached re-check, in one run.
add_executable(bench_verifier ${CMAKE_CURRENT_LIST_DIR}/bench_verifier.cpp)
target_link_libraries(bench_verifier PRIVATE licet_verifier licet_keys benchmark::benchmark)
licet_warnings(bench_verifier)
