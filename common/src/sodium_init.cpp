#include "licet/common/sodium_init.hpp"

#include <sodium.h>

#include <cstdlib>

namespace licet {
void ensure_sodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) std::abort();
}
}  // namespace licet
