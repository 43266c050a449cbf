#include "core/guard.hpp"

namespace licet::issuer::core {

Refused refusal_of(const sql::Error& e) {
  switch (e.kind()) {
    case sql::Error::Kind::busy:
      return Refused(Code::ledger_busy, e.what());
    case sql::Error::Kind::corrupt:
      return Refused(Code::integrity, e.what());
    default:
      return Refused(Code::ledger_error, e.what());
  }
}

}  // namespace licet::issuer::core
