#include "core/passphrase.hpp"

#include <sodium.h>

#include <cstring>
#include <new>

#include "licet/common/sodium_init.hpp"

namespace licet::issuer::core {

Passphrase::Passphrase(std::string_view text) : size_(text.size()) {
  ensure_sodium();  // sodium_malloc aborts before sodium_init
  data_ = static_cast<char*>(sodium_malloc(size_ + 1));
  if (data_ == nullptr) throw std::bad_alloc();
  std::memcpy(data_, text.data(), size_);
  data_[size_] = '\0';
}

Passphrase::~Passphrase() {
  sodium_free(data_);
}

}  // namespace licet::issuer::core
