#include "core/ops/batch.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/audit_log.hpp"
#include "core/batch/csv.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/minting.hpp"
#include "core/ops/internal.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::core {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = 256;

struct Row {
  store::LicenseRecord record;
  std::optional<Minted> file;
};

std::string hash_hex(std::string_view bytes) {
  ensure_sodium();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

// Writes `data` to `path` without an fsync: the batch syncs the file system once at the end (an
// fsync per file would cost more than the signing). A fresh batch creates each file (its out dir
// was empty); finishing an interrupted one replaces what a crash left, through a temporary name
// and a rename.
void write_unsynced(const fs::path& path, std::string_view data, bool replace) {
  const fs::path tmp = replace ? fs::path(path.string() + ".tmp") : path;
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replace ? O_TRUNC : O_EXCL);
  const int fd = ::open(tmp.c_str(), flags, 0644);
  if (fd < 0) {
    throw Refused(Code::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Refused(Code::io_error, "cannot write " + tmp.string() + ": " +
                                        (err == ENOSPC ? "disk full" : std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || (replace && ::rename(tmp.c_str(), path.c_str()) != 0)) {
    throw Refused(Code::io_error, "cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

void sync_filesystem(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Refused(Code::io_error, "cannot open " + dir.string());
  const int rc = ::syncfs(fd);
  ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    throw Refused(Code::io_error, "cannot flush " + dir.string() + ": " + std::strerror(errno));
}

// Writes every file (on every core: creating files is most of an export's time), then the
// manifest (last, atomically), then marks the batch exported.
BatchResult export_files(Session& s, std::int64_t batch_id, const fs::path& out_dir,
                         const std::vector<std::pair<BatchItem, std::string>>& files,
                         bool replace) {
  BatchResult out;
  out.batch = batch_id;
  out.out_dir = out_dir.string();
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::optional<Refusal> error;
  auto work = [&] {
    try {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        const auto& [item, text] = files[i];
        if (item.file) write_unsynced(out_dir / *item.file, text, replace);
      }
    } catch (const Refused& e) {
      std::lock_guard lock(error_mutex);
      if (!error) error = e.refusal();
      next = files.size();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1U, std::thread::hardware_concurrency()); ++t) {
    pool.emplace_back(work);
  }
  work();
  for (auto& t : pool) t.join();
  if (error) throw Refused(error->code, error->message, error->details);
  std::string manifest = "row,license_key,kind,file\n";
  for (const auto& [item, text] : files) {
    manifest += fmt::format("{},{},{},{}\n", item.row, csv::export_cell(item.license_key),
                            item.kind, item.file ? csv::export_cell(*item.file) : "");
    out.items.push_back(item);
  }
  sync_filesystem(out_dir);
  write_unsynced(out_dir / "manifest.csv", manifest, /*replace=*/true);
  sync_filesystem(out_dir);
  store::Tx tx(s.db, sql::TxMode::write);
  tx.mark_batch_exported(batch_id, s.ledger.now());
  tx.commit();
  return out;
}

// The files of a committed batch, from the tokens recorded in the ledger.
std::vector<std::pair<BatchItem, std::string>> recorded_files(Session& s, std::int64_t batch_id) {
  store::Tx tx(s.db, sql::TxMode::read);
  store::LicenseQuery q;
  q.batch_id = batch_id;
  std::vector<std::pair<BatchItem, std::string>> out;
  std::int64_t row = 0;
  for (const auto& item : tx.licenses(q)) {
    const auto& r = item.license;
    BatchItem b{++row, r.key, r.kind, std::nullopt};
    std::string text;
    if (has_license_file(kind_of(r))) {
      const auto t = tx.latest_token(r.id, std::nullopt);
      if (!t) throw Refused(Code::integrity, "the ledger has no token for " + r.key);
      b.file = r.key + ".lic";
      text = from_token(*t).file_text;
    }
    out.emplace_back(std::move(b), std::move(text));
  }
  return out;
}

void check_out_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw Refused(Code::bad_request, dir.string() + " is not a directory");
    if (fs::directory_iterator(dir, ec) != fs::directory_iterator()) {
      throw Refused(
          Code::conflict,
          dir.string() + " is not empty; batch output goes into a new or empty directory");
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw Refused(Code::io_error, "cannot create " + dir.string() + ": " + ec.message());
}

// Signs the rows on every core, chunk by chunk and in memory, while the caller records the
// chunks already signed: signing and the ledger's inserts overlap.
class ChunkSigner {
 public:
  ChunkSigner(const std::vector<LicenseSpec>& specs, const LoadedKey* key, std::string vendor,
              UnixTime now, unsigned threads)
      : specs_(specs),
        key_(key),
        vendor_(std::move(vendor)),
        now_(now),
        rows_(specs.size()),
        chunks_((specs.size() + kChunk - 1) / kChunk),
        done_(chunks_, 0) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    threads =
        static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(chunks_, 1)));
    for (unsigned t = 0; t < threads; ++t) pool_.emplace_back([this] { work(); });
  }
  ~ChunkSigner() {
    stop_ = true;
    for (auto& t : pool_) t.join();
  }
  ChunkSigner(const ChunkSigner&) = delete;
  ChunkSigner& operator=(const ChunkSigner&) = delete;

  std::size_t chunks() const { return chunks_; }
  // The rows of chunk c once signed (Refused when signing failed).
  std::pair<std::size_t, std::size_t> wait(std::size_t c) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_[c] != 0 || error_.has_value(); });
    if (error_) throw Refused(error_->code, error_->message, error_->details);
    return {c * kChunk, std::min(rows_.size(), (c + 1) * kChunk)};
  }
  Row& row(std::size_t i) { return rows_[i]; }

 private:
  void work() {
    try {
      for (std::size_t c = next_++; c < chunks_ && !stop_; c = next_++) {
        for (std::size_t i = c * kChunk; i < std::min(rows_.size(), (c + 1) * kChunk); ++i) {
          Row& r = rows_[i];
          r.record = record_from_spec(specs_[i], now_);
          if (has_license_file(specs_[i].kind)) {
            r.file = sign_claims(claims_for(r.record, specs_[i].devices, vendor_, 1, now_), *key_);
          }
        }
        std::lock_guard lock(mutex_);
        done_[c] = 1;
        cv_.notify_all();
      }
    } catch (const Refused& e) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = e.refusal();
      stop_ = true;
      cv_.notify_all();
    }
  }

  const std::vector<LicenseSpec>& specs_;
  const LoadedKey* key_;
  std::string vendor_;
  UnixTime now_;
  std::vector<Row> rows_;
  std::size_t chunks_;
  std::vector<char> done_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Refusal> error_;
  std::vector<std::thread> pool_;
};

// One signed row into the ledger (license, devices, token, audit event), in the batch's
// transaction; returns what export_files writes for it.
std::pair<BatchItem, std::string> record_row(Session& s, store::Tx& tx, Row& row,
                                             const LicenseSpec& spec, std::int64_t batch_id,
                                             std::size_t number, UnixTime now) {
  row.record.batch_id = batch_id;
  row.record.id = tx.insert_license(row.record);
  for (const auto& d : spec.devices) {
    store::DeviceRecord dev;
    dev.license_id = row.record.id;
    dev.device_id = d;
    dev.bound_at = now;
    tx.insert_device(dev);
  }
  BatchItem item{static_cast<std::int64_t>(number), row.record.key, row.record.kind, std::nullopt};
  std::string text;
  if (row.file) {
    store::TokenRecord t;
    t.jti = row.file->claims.jti;
    t.license_id = row.record.id;
    t.revision = 1;
    t.kid = row.file->kid;
    t.kind = "license";
    t.issued_at = now;
    t.expires_at = row.file->claims.exp;
    t.token = std::move(row.file->token);
    tx.insert_token(t);
    item.file = row.record.key + ".lic";
    text = std::move(row.file->file_text);
    row.file.reset();
  }
  record(tx, s, Action::issue, row.record.key, std::nullopt,
         state_json({&row.record, spec.devices, {{"batch", std::to_string(batch_id)}}}));
  return {std::move(item), std::move(text)};
}

}  // namespace

Outcome<BatchResult> issue_batch(Session& s, const BatchRequest& req) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    const Orders orders = parse_orders(req.orders, req.encoding, now);
    if (orders.problem_count != 0) {
      std::vector<std::string> lines;
      const std::string text = format_problems(orders, req.orders_name);
      for (std::size_t a = 0, b; a < text.size(); a = b + 1) {
        b = text.find('\n', a);
        if (b == std::string::npos) b = text.size();
        lines.push_back(text.substr(a, b - a));
      }
      throw Refused(Code::bad_request,
                    fmt::format("{} problem{} in {}; nothing was minted", orders.problem_count,
                                orders.problem_count == 1 ? "" : "s", req.orders_name),
                    lines);
    }
    std::error_code ec;
    const fs::path out_dir = fs::absolute(req.out_dir, ec).lexically_normal();
    const std::string digest = hash_hex(req.orders);
    {
      store::Tx tx(s.db, sql::TxMode::read);
      if (auto b = tx.batch_for(digest, out_dir.string())) {
        if (b->state == "committed") {
          // Interrupted after its commit: finish it from what the ledger recorded.
          tx.commit();
          auto out = export_files(s, b->id, out_dir, recorded_files(s, b->id), /*replace=*/true);
          out.resumed = true;
          return out;
        }
        throw Refused(Code::conflict,
                      fmt::format("this orders file was already issued into {} (batch {}); use a "
                                  "new --out-dir for a new batch",
                                  out_dir.string(), b->id));
      }
    }
    check_out_dir(out_dir);
    const bool signs = std::any_of(orders.specs.begin(), orders.specs.end(),
                                   [](const LicenseSpec& sp) { return has_license_file(sp.kind); });
    const LoadedKey* key = nullptr;
    std::string vendor;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      if (signs) key = &s.ledger.keys().active(tx);
      vendor = vendor_of(tx);
    }
    // Signing happens in memory on every core, ahead of the inserts; nothing leaves this
    // process before the commit.
    ChunkSigner signer(orders.specs, key, vendor, now, req.threads);
    std::int64_t batch_id = 0;
    std::vector<std::pair<BatchItem, std::string>> files;
    files.reserve(orders.specs.size());
    {
      store::Tx tx(s.db, sql::TxMode::write);
      tx.expect_bulk_writes();
      if (signs && s.ledger.keys().active(tx).pid != key->pid) {
        throw Refused(Code::conflict,
                      "the active signing key changed while the batch was signed; "
                      "nothing was minted, run it again");
      }
      store::BatchRecord b;
      b.orders_hash = digest;
      b.out_dir = out_dir.string();
      b.count = static_cast<std::int64_t>(orders.specs.size());
      b.state = "committed";
      b.created_at = now;
      batch_id = tx.insert_batch(b);
      for (std::size_t c = 0; c < signer.chunks(); ++c) {
        const auto [first, last] = signer.wait(c);
        for (std::size_t i = first; i < last; ++i) {
          Row& row = signer.row(i);
          files.push_back(record_row(s, tx, row, orders.specs[i], batch_id, i + 1, now));
        }
        if (req.progress) req.progress(last, orders.specs.size());
      }
      tx.commit();
    }
    refresh_checkpoint(s);
    return export_files(s, batch_id, out_dir, files, /*replace=*/false);
  });
}

}  // namespace licet::issuer::core
