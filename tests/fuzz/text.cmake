# fuzz_text: UTF-8 validation, escaping for logs and terminals, Latin-1 / CP-1252 conversion
# (common/, so it builds with LICET_BUILD_ISSUER=OFF like every fuzz target).
licet_fuzz_target(fuzz_text ${CMAKE_CURRENT_LIST_DIR}/fuzz_text.cpp licet_common)
licet_warnings(fuzz_text)
