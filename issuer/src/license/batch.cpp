#include "license/batch.hpp"

#include <fmt/core.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "csv/csv.hpp"
#include "ledger/audit.hpp"
#include "license/ledger_rows.hpp"
#include "license/mint.hpp"
#include "license/staged_file.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/sodium_init.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

constexpr std::size_t kMaxOrdersBytes = 512ULL * 1024 * 1024;

enum class Col {
  product,
  customer,
  seats,
  expires,
  days,
  devices,
  features,
  maint,
  sync_url,
  sync_max_age,
  meta
};

const std::map<std::string, Col, std::less<>> kColumns = {
    {"product", Col::product},          {"customer", Col::customer}, {"seats", Col::seats},
    {"expires", Col::expires},          {"days", Col::days},         {"devices", Col::devices},
    {"features", Col::features},        {"maint", Col::maint},       {"sync_url", Col::sync_url},
    {"sync_max_age", Col::sync_max_age}};

struct Column {
  Col kind;
  std::string meta_name;  // for meta.NAME
};

class Problems {
 public:
  explicit Problems(OrdersParse& p) : p_(p) {}
  void add(std::size_t line, std::size_t column, std::string message) {
    if (p_.problems.size() < kMaxBatchProblems) {
      p_.problems.push_back({line, column, std::move(message)});
    }
    ++p_.problem_count;
  }

 private:
  OrdersParse& p_;
};

std::optional<std::vector<Column>> read_header(const csv::Record& header, Problems& problems) {
  std::vector<Column> cols;
  std::map<std::string, std::size_t> seen;
  bool ok = true;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    if (auto [it, fresh] = seen.emplace(name, i + 1); !fresh) {
      problems.add(header.line, i + 1,
                   fmt::format("column \"{}\" appears twice (also column {})", name, it->second));
      ok = false;
    }
    if (auto it = kColumns.find(name); it != kColumns.end()) {
      cols.push_back({it->second, {}});
    } else if (name.rfind("meta.", 0) == 0 && name.size() > 5) {
      cols.push_back({Col::meta, name.substr(5)});
    } else {
      problems.add(header.line, i + 1,
                   fmt::format("unknown column \"{}\" (expected product, customer, seats, "
                               "expires, days, devices, features, maint, sync_url, sync_max_age "
                               "or meta.NAME)",
                               name));
      ok = false;
    }
  }
  for (const char* required : {"product", "customer", "seats"}) {
    if (seen.count(required) == 0) {
      problems.add(header.line, 0, fmt::format("the header has no \"{}\" column", required));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return cols;
}

void parse_row(const csv::Record& rec, const std::vector<Column>& cols, UnixTime now,
               Problems& problems, std::vector<LicenseSpec>& specs) {
  if (rec.fields.size() != cols.size()) {
    problems.add(rec.line, 0,
                 fmt::format("expected {} fields, found {}", cols.size(), rec.fields.size()));
    return;
  }
  LicenseSpec s;
  bool ok = true;
  std::optional<std::size_t> expires_col, days_col;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const std::string& v = rec.fields[i];
    try {
      switch (cols[i].kind) {
        case Col::product:
          s.product = field::product(v);
          break;
        case Col::customer:
          s.customer = field::customer(v);
          break;
        case Col::seats:
          s.seats = field::seats(v);
          break;
        case Col::expires:
          if (!v.empty()) {
            s.expires = field::date(v, "expires");
            expires_col = i + 1;
          }
          break;
        case Col::days:
          if (!v.empty()) {
            s.expires = now + 86400 * field::days(v);
            days_col = i + 1;
          }
          break;
        case Col::devices:
          for (const auto& d : field::list(v)) s.devices.push_back(field::device_id(d));
          break;
        case Col::features:
          for (const auto& f : field::list(v)) s.features.push_back(field::feature(f));
          break;
        case Col::maint:
          if (!v.empty()) s.maint = field::date(v, "maint");
          break;
        case Col::sync_url:
          if (!v.empty()) {
            if (!s.sync) s.sync = SyncPolicy{};
            s.sync->url = field::sync_url(v);
          }
          break;
        case Col::sync_max_age:
          if (!v.empty()) {
            if (!s.sync) s.sync = SyncPolicy{};
            s.sync->max_age = field::sync_max_age(v);
          }
          break;
        case Col::meta:
          if (!v.empty()) s.meta[field::meta_name(cols[i].meta_name)] = field::meta_value(v);
          break;
      }
    } catch (const FieldError& e) {
      problems.add(rec.line, i + 1, e.what());
      ok = false;
    }
  }
  if (!ok) return;
  if (expires_col && days_col) {
    problems.add(rec.line, *days_col, "give expires or days, not both");
    return;
  }
  if (s.sync && (s.sync->url.empty())) {
    problems.add(rec.line, 0, "sync_max_age needs sync_url");
    return;
  }
  try {
    check_spec(s, now);
  } catch (const FieldError& e) {
    problems.add(rec.line, 0, e.what());
    return;
  }
  specs.push_back(std::move(s));
}

}  // namespace

OrdersParse parse_orders(std::string_view text, UnixTime now) {
  OrdersParse out;
  Problems problems(out);
  std::vector<csv::Record> records;
  try {
    records = csv::parse(text);
  } catch (const csv::SyntaxError& e) {
    problems.add(e.line(), e.column(), e.what());
    return out;
  }
  if (records.empty()) {
    problems.add(1, 0, "the file is empty (expected a header row and orders)");
    return out;
  }
  const auto cols = read_header(records.front(), problems);
  if (!cols) return out;
  if (records.size() == 1) problems.add(records.front().line, 0, "no orders after the header");
  for (std::size_t r = 1; r < records.size(); ++r) {
    parse_row(records[r], *cols, now, problems, out.specs);
  }
  return out;
}

std::string format_problems(const OrdersParse& p, std::string_view file_name) {
  std::string out;
  for (const auto& e : p.problems) {
    out += e.column == 0 ? fmt::format("{}:{}: {}\n", file_name, e.line, e.message)
                         : fmt::format("{}:{}:{}: {}\n", file_name, e.line, e.column, e.message);
  }
  if (p.problem_count > p.problems.size()) {
    out += fmt::format("… and {} more\n", p.problem_count - p.problems.size());
  }
  return out;
}

namespace {

// One row on its way through the pipeline: filled by a signing thread, read by the ledger thread
// once its chunk is marked done.
struct Minted {
  LicenseRow row;
  std::string jti;
  std::string token;
  std::string file;
};

constexpr std::size_t kChunk = 256;

// The staging directory inside out_dir; removed with its contents unless released.
class StagingDir {
 public:
  explicit StagingDir(const std::filesystem::path& out_dir) {
    ensure_sodium();
    path_ = out_dir / fmt::format(".licet-batch-{}-{}", ::getpid(), randombytes_random());
    std::error_code ec;
    if (!std::filesystem::create_directory(path_, ec)) {
      throw CliError("cannot create a staging directory in " + out_dir.string() + ": " +
                     (ec ? ec.message() : "it exists"));
    }
  }
  ~StagingDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Appends audit entries with prepared statements reused across the batch and moves the
// `audit_head` setting once at the end; the entries are exactly what audit::append writes.
class AuditWriter {
 public:
  explicit AuditWriter(Db& db)
      : db_(db),
        insert_(db.prepare("INSERT INTO audit (id, at, actor, action, license_key, before, after, "
                           "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
    auto last = db.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (last.step()) {
      next_id_ = last.int64(0) + 1;
      const auto blob = last.blob(1);
      if (blob.size() == prev_.size()) std::copy(blob.begin(), blob.end(), prev_.begin());
    }
  }
  void add(audit::Entry e) {
    e.id = next_id_++;
    e.prev_hash = prev_;
    e.hash = audit::entry_hash(e);
    insert_.bind(1, e.id)
        .bind(2, e.at)
        .bind(3, e.actor)
        .bind(4, e.action)
        .bind(5, e.license_key)
        .bind(6, e.before)
        .bind(7, e.after)
        .bind_blob(8, e.prev_hash.data(), e.prev_hash.size())
        .bind_blob(9, e.hash.data(), e.hash.size());
    insert_.run();
    insert_.reset();
    prev_ = e.hash;
    wrote_ = true;
  }
  void finish() {
    if (!wrote_) return;
    db_.prepare(
           "INSERT INTO settings (name, value) VALUES ('audit_head', ?) "
           "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind(1, std::to_string(next_id_ - 1) + ":" + audit::to_hex(prev_))
        .run();
  }

 private:
  Db& db_;
  Stmt insert_;
  std::int64_t next_id_ = 1;
  audit::Hash prev_{};
  bool wrote_ = false;
};

}  // namespace

std::vector<BatchOutput> mint_batch(Db& db, const std::vector<LicenseSpec>& specs,
                                    const ActiveKey& key, const BatchOptions& opt) {
  const std::size_t total = specs.size();
  std::error_code ec;
  std::filesystem::create_directories(opt.out_dir, ec);
  if (ec) throw CliError("cannot create " + opt.out_dir.string() + ": " + ec.message());
  if (std::filesystem::exists(opt.out_dir / "manifest.csv", ec)) {
    throw CliError(opt.out_dir.string() +
                   " already holds a manifest.csv from an earlier batch; use a new --out-dir");
  }
  StagingDir staging(opt.out_dir);

  std::vector<Minted> minted(total);
  const std::size_t chunks = (total + kChunk - 1) / kChunk;
  std::vector<char> chunk_done(chunks, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<std::size_t> next_chunk{0};
  std::atomic<bool> stop{false};
  std::optional<std::string> worker_error;

  auto work = [&] {
    try {
      for (std::size_t c = next_chunk++; c < chunks && !stop; c = next_chunk++) {
        for (std::size_t i = c * kChunk; i < std::min(total, (c + 1) * kChunk); ++i) {
          const LicenseSpec& spec = specs[i];
          Minted& m = minted[i];
          m.row = row_from_spec(
              spec, license_key::generate(license_key::prefix_for_product(spec.product)), opt.now);
          auto s = sign_license(claims_for(m.row, spec.devices, opt.vendor, 1, opt.now), key);
          m.file = m.row.license_key + ".lic";
          write_file_fast(staging.path() / m.file, s.file_text);
          m.jti = std::move(s.claims.jti);
          m.token = std::move(s.token);
        }
        std::lock_guard lock(mu);
        chunk_done[c] = 1;
        cv.notify_all();
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(mu);
      if (!worker_error) worker_error = e.what();
      stop = true;
      cv.notify_all();
    }
  };
  unsigned threads =
      opt.threads != 0 ? opt.threads : std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(chunks, 1)));
  std::vector<std::thread> pool;
  struct Joiner {
    std::vector<std::thread>& pool;
    std::atomic<bool>& stop;
    ~Joiner() {
      stop = true;
      for (auto& t : pool) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{pool, stop};
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);

  // The ledger writes happen here, on this thread, while the pool signs ahead.
  Transaction tx(db);
  auto ins_license = db.prepare(
      "INSERT INTO licenses (license_key, product, customer, seats, expires_at, maint_until, "
      "features, meta, sync_url, sync_max_age, revision, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
  auto ins_device =
      db.prepare("INSERT INTO devices (license_id, device_id, bound_at) VALUES (?, ?, ?)");
  auto ins_token = db.prepare(
      "INSERT INTO tokens (jti, license_id, revision, kid, issued_at, token) "
      "VALUES (?, ?, 1, ?, ?, ?)");
  AuditWriter audit_writer(db);
  std::vector<DeviceRow> devices;
  for (std::size_t c = 0; c < chunks; ++c) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return chunk_done[c] != 0 || worker_error.has_value(); });
      if (worker_error) throw CliError(*worker_error);
    }
    for (std::size_t i = c * kChunk; i < std::min(total, (c + 1) * kChunk); ++i) {
      Minted& m = minted[i];
      const LicenseRow& r = m.row;
      ins_license.bind(1, r.license_key)
          .bind(2, r.product)
          .bind(3, r.customer)
          .bind(4, r.seats)
          .bind(5, r.expires_at)
          .bind(6, r.maint_until)
          .bind(7, to_json_array(r.features))
          .bind(8, to_json_object(r.meta))
          .bind(9, r.sync ? std::optional<std::string>(r.sync->url) : std::nullopt)
          .bind(10, r.sync ? std::optional<std::int64_t>(r.sync->max_age) : std::nullopt)
          .bind(11, opt.now)
          .bind(12, opt.now);
      ins_license.run();
      ins_license.reset();
      const std::int64_t id = db.last_insert_id();
      devices.clear();
      for (const auto& d : specs[i].devices) {
        ins_device.bind(1, id).bind(2, d).bind(3, opt.now);
        ins_device.run();
        ins_device.reset();
        devices.push_back({d, std::nullopt, std::nullopt, std::nullopt, opt.now});
      }
      ins_token.bind(1, m.jti).bind(2, id).bind(3, key.pid).bind(4, opt.now).bind(5, m.token);
      ins_token.run();
      ins_token.reset();
      audit::Entry e;
      e.at = opt.now;
      e.actor = opt.actor;
      e.action = "issue";
      e.license_key = r.license_key;
      e.after = license_state_json(r, devices);
      audit_writer.add(std::move(e));
      m.token.clear();
      m.token.shrink_to_fit();
    }
    if (opt.progress) opt.progress(std::min(total, (c + 1) * kChunk), total);
  }
  audit_writer.finish();

  std::vector<BatchOutput> out;
  out.reserve(total);
  std::string manifest = "row,license_key,file\n";
  for (std::size_t i = 0; i < total; ++i) {
    manifest += fmt::format("{},{},{}\n", i + 1, minted[i].row.license_key, minted[i].file);
    out.push_back({minted[i].row.license_key, minted[i].file});
  }
  write_file_fast(staging.path() / "manifest.csv", manifest);
  // One syncfs() makes every staged file durable before the commit; an fsync per file would
  // cost more than the signing (docs/PERFORMANCE.md "Batch issuance").
  sync_filesystem(staging.path());
  tx.commit();
  for (const auto& o : out) {
    std::filesystem::rename(staging.path() / o.file, opt.out_dir / o.file, ec);
    if (ec) {
      throw CliError("the ledger holds the batch, but moving " + o.file + " into " +
                     opt.out_dir.string() + " failed: " + ec.message() +
                     " (the tokens are in the ledger; re-create the files with `licet reissue`)");
    }
  }
  std::filesystem::rename(staging.path() / "manifest.csv", opt.out_dir / "manifest.csv", ec);
  sync_directory(opt.out_dir);
  return out;
}

void run_batch_command(const Context& ctx, const std::string& csv_file,
                       const std::string& out_dir) {
  auto text = read_file(csv_file, kMaxOrdersBytes);
  if (!text) throw CliError("cannot read " + csv_file + ": " + text.error().message);
  const UnixTime now = system_now();
  const auto parsed = parse_orders(*text, now);
  if (parsed.problem_count != 0) {
    fmt::print(stderr, "{}", format_problems(parsed, csv_file));
    throw CliError(fmt::format("{} problem{} in {}; nothing was minted", parsed.problem_count,
                               parsed.problem_count == 1 ? "" : "s", csv_file));
  }
  Db db = ctx.open_ledger();
  const ActiveKey key = load_active_key(ctx, db);
  BatchOptions opt;
  opt.out_dir = out_dir;
  opt.vendor = vendor_id(db);
  opt.actor = ctx.effective_actor();
  opt.now = now;
  const bool tty = ::isatty(2) != 0;
  if (tty) {
    opt.progress = [](std::size_t done, std::size_t total) {
      fmt::print(stderr, "\rminting {}/{} ({}%)", done, total, done * 100 / total);
      if (done == total) fmt::print(stderr, "\n");
    };
  }
  const auto out = mint_batch(db, parsed.specs, key, opt);
  if (ctx.json) {
    std::string items;
    for (std::size_t i = 0; i < out.size(); ++i) {
      items += fmt::format("{}{{\"row\":{},\"license_key\":{},\"file\":{}}}", i ? "," : "", i + 1,
                           json_string(out[i].license_key), json_string(out[i].file));
    }
    fmt::print("{{\"count\":{},\"out_dir\":{},\"manifest\":{},\"licenses\":[{}]}}\n", out.size(),
               json_string(out_dir),
               json_string((std::filesystem::path(out_dir) / "manifest.csv").string()), items);
  } else {
    fmt::print("Issued {} licenses into {} (manifest.csv lists them)\n", out.size(), out_dir);
  }
}

}  // namespace licet::issuer
