#include "store/tx.hpp"

namespace licet::issuer::store {

Tx::Tx(sql::Connection& db, sql::TxMode mode) : db_(db), write_(mode == sql::TxMode::write) {
  db_.begin(mode);
}

Tx::~Tx() {
  if (!done_) db_.rollback();
}

void Tx::commit() {
  if (head_dirty_) write_audit_head();
  db_.commit();
  done_ = true;
}

}  // namespace licet::issuer::store
