// The boundary of every core operation: refusals and ledger failures thrown inside become a
// returned Outcome; nothing else escapes.
#pragma once

#include <new>
#include <type_traits>

#include "core/refusal.hpp"
#include "store/sql.hpp"

namespace licet::issuer::core {

// A database failure as the refusal users see.
Refused refusal_of(const sql::Error& e);

template <class F>
auto guarded(F&& f) -> Outcome<std::invoke_result_t<F>> {
  try {
    return f();
  } catch (const Refused& r) {
    return r.refusal();
  } catch (const sql::Error& e) {
    return refusal_of(e).refusal();
  } catch (const std::bad_alloc&) {
    return Refusal{Code::internal, "out of memory", {}};
  } catch (const std::exception& e) {
    return Refusal{Code::internal, e.what(), {}};
  }
}

}  // namespace licet::issuer::core
