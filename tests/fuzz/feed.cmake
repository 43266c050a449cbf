# fuzz_feed: the revocation feed parser (untrusted bytes from any web server or CDN).
licet_fuzz_target(fuzz_feed ${CMAKE_CURRENT_LIST_DIR}/fuzz_feed.cpp licet_common)
licet_warnings(fuzz_feed)
