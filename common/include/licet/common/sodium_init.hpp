#pragma once

namespace licet {
// Initialises libsodium once (thread-safe); aborts if the library cannot start, since no
// cryptographic operation would be trustworthy afterwards.
void ensure_sodium();
}  // namespace licet
