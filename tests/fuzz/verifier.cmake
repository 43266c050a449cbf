# fuzz_verify: arbitrary license file contents through licet::Verifier::verify.
licet_fuzz_target(fuzz_verify ${CMAKE_CURRENT_LIST_DIR}/fuzz_verify.cpp licet_verifier)
