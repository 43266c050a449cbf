// Revocation feed check: the policy lives in revocation/checker.cpp.
#include "verifier_impl.hpp"

namespace licet {

Status Verifier::Impl::check_revocations(const Claims& claims, std::string_view kid,
                                         UnixTime now) const {
  return revocations.check(claims, kid, now);
}

}  // namespace licet
