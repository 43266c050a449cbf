#include "server/db_pool.hpp"

namespace licet::issuer::server {

DbPool::Lease DbPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, std::make_unique<Db>(Db::open(path_, false)));
}

void DbPool::give_back(std::unique_ptr<Db> db) {
  if (!db) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(db));
}

}  // namespace licet::issuer::server
