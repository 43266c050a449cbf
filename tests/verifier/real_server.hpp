// The vendor's side of the client's end-to-end tests, as a vendor runs it: a ledger made by
// `licet init` and changed only through the `licet` CLI (tests/support/vendor.hpp), and the real
// `licet serve` on 127.0.0.1 (tests/support/server_process.hpp). What a test reads back comes
// through the doors support staff use: `licet --json show KEY` and GET /metrics.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/server_process.hpp"
#include "support/vendor.hpp"

namespace licet::test {

// The product tests/support/vendor.hpp issues licenses for.
inline constexpr const char* kServedProduct = "app";

// What `licet show` says about one device of a license.
struct DeviceRow {
  bool found = false;
  bool bound = false;  // unbound_at is null
  std::string device_key, app, hostname, unbind_reason;
};

// A vendor's active public key (k4.public.…), the one apps ship, from `licet key list`.
inline std::string active_public_key(const Vendor& vendor) {
  const auto keys = vendor.json({"key", "list"});
  const auto list = keys.FindMember("keys");
  if (list != keys.MemberEnd() && list->value.IsArray()) {
    for (const auto& k : list->value.GetArray()) {
      if (str(k, "state") == "active") return str(k, "public_key");
    }
  }
  throw std::runtime_error("licet key list names no active key");
}

class LicetService {
 public:
  explicit LicetService(std::vector<std::string> serve_args = {})
      : server_(std::make_unique<ServerProcess>(vendor_, std::move(serve_args))),
        public_key_(active_public_key(vendor_)) {}

  const Vendor& vendor() const { return vendor_; }
  const ServerProcess& server() const { return *server_; }
  ServerProcess& server() { return *server_; }
  std::string url() const { return server_->url(); }
  // The vendor's active public key (k4.public.…), the one apps ship.
  const std::string& public_key() const { return public_key_; }

  // Another `licet serve` on the same ledger, with other options (TLS, rate limits, one to
  // stop).
  std::unique_ptr<ServerProcess> serve(std::vector<std::string> args) const {
    return std::make_unique<ServerProcess>(vendor_, std::move(args));
  }

  // An activation license (`licet issue` without --device): its key, no file.
  std::string activation(int seats, std::vector<std::string> extra = {}) const {
    return vendor_.activation(seats, std::move(extra));
  }
  // An activation license for another product.
  std::string for_product(const std::string& product, int seats = 1) const {
    const auto d = vendor_.json({"issue", "--product", product, "--customer", "c@example.com",
                                 "--seats", std::to_string(seats)});
    return str(d, "license_key");
  }
  // A license that comes with a file (`--device ID…` node-locked, `--unlocked`): key and file.
  struct Issued {
    std::string key, file;
  };
  Issued with_file(const std::vector<std::string>& kind, int seats = 1) const {
    std::vector<std::string> args = {
        "issue",
        "--product",
        kServedProduct,
        "--customer",
        "c@example.com",
        "--seats",
        std::to_string(seats),
        "--out",
        vendor_.path("issued-" + std::to_string(++files_) + ".lic").string()};
    args.insert(args.end(), kind.begin(), kind.end());
    const auto d = vendor_.json(args);
    return {str(d, "license_key"), str(d, "license_file")};
  }
  // An activation license that expired ten days ago. `licet issue` refuses an expiry in the
  // past, so it runs with its clock 40 days back (libfaketime) and issues for 30 days; the
  // server, on the real clock, finds it expired.
  std::string expired(int seats = 1) const {
    const std::string faketime = LICET_FAKETIME;
    if (faketime.find("NOTFOUND") != std::string::npos) {
      ADD_FAILURE() << "faketime is missing (scripts/lib.sh installs it)";
      return {};
    }
    RunOptions o = vendor_.options();
    o.env["ASAN_OPTIONS"] = "verify_asan_link_order=0";  // libfaketime is preloaded before ASan
    o.cwd = vendor_.dir();
    const auto r =
        run_process(faketime,
                    {"-f", "-40d", LICET_BIN, "--data-dir", vendor_.data_dir().string(), "--actor",
                     "tester", "--json", "issue", "--product", kServedProduct, "--customer",
                     "c@example.com", "--seats", std::to_string(seats), "--days", "30"},
                    o);
    EXPECT_EQ(r.exit_code, 0) << "faketime licet issue: " << r.err << r.out;
    auto d = json_of(r);
    EXPECT_EQ(str(show(str(d, "license_key")), "status"), "expired");
    return str(d, "license_key");
  }

  rapidjson::Document show(const std::string& key) const { return vendor_.json({"show", key}); }
  std::int64_t seats_bound(const std::string& key) const { return num(show(key), "seats_bound"); }
  // The device's current binding, else its latest one.
  DeviceRow device(const std::string& key, const std::string& device_id) const {
    const auto d = show(key);
    DeviceRow row;
    const auto devices = d.FindMember("devices");
    if (devices == d.MemberEnd() || !devices->value.IsArray()) return row;
    for (const auto& v : devices->value.GetArray()) {
      if (str(v, "device_id") != device_id) continue;
      const bool bound = v.HasMember("unbound_at") && v["unbound_at"].IsNull();
      if (row.found && row.bound && !bound) continue;
      row = {true,
             bound,
             str(v, "device_key"),
             str(v, "app"),
             str(v, "hostname"),
             str(v, "unbind_reason")};
    }
    return row;
  }

  // Requests the server has answered at an endpoint ("activate", "deactivate", "revocations"),
  // from its Prometheus counters. The server counts a request just after it has answered it, so
  // a count read at once may still lack the last one: wait for it with eventually().
  std::int64_t requests(const std::string& endpoint) const { return requests(*server_, endpoint); }
  static std::int64_t requests(const ServerProcess& server, const std::string& endpoint) {
    auto c = server.client();
    const auto r = c.Get("/metrics");
    if (!r || r->status != 200) {
      ADD_FAILURE() << "GET /metrics failed";
      return -1;
    }
    const std::string prefix = "licet_http_requests_total{endpoint=\"" + endpoint + "\"";
    std::int64_t total = 0;
    std::istringstream lines(r->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0) total += std::stoll(line.substr(line.rfind(' ') + 1));
    }
    return total;
  }

 private:
  Vendor vendor_;
  std::unique_ptr<ServerProcess> server_;
  std::string public_key_;
  mutable int files_ = 0;
};

// Scoped `licet config set transfer_cap N` (a ledger-wide setting): the default comes back even
// when the test fails half-way.
class TransferCap {
 public:
  TransferCap(const Vendor& vendor, int cap) : vendor_(vendor) {
    vendor_.ok({"config", "set", "transfer_cap", std::to_string(cap)});
  }
  ~TransferCap() { vendor_.ok({"config", "set", "transfer_cap", "3"}); }
  TransferCap(const TransferCap&) = delete;
  TransferCap& operator=(const TransferCap&) = delete;

 private:
  const Vendor& vendor_;
};

// Polls `done` until it holds or the deadline passes (no sleep as synchronisation).
template <class F>
bool eventually(F done, std::chrono::seconds deadline = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A suite's shared LicetService, started once (SetUpTestSuite) and reported by every test of
// the suite when it could not start.
class SharedService {
 public:
  void start(std::vector<std::string> serve_args = {}) {
    try {
      service_ = std::make_unique<LicetService>(std::move(serve_args));
    } catch (const std::exception& e) {
      problem_ = e.what();
    }
  }
  void stop() { service_.reset(); }
  // nullptr, with a test failure, when the service did not start.
  LicetService* get() {
    if (!service_) ADD_FAILURE() << "licet serve did not start: " << problem_;
    return service_.get();
  }

 private:
  std::unique_ptr<LicetService> service_;
  std::string problem_ = "not started";
};

// An http URL on 127.0.0.1 where nothing listens (a port bound, then released): connection
// refused.
inline std::string closed_url() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return "http://127.0.0.1:" + std::to_string(port);
}

// A private CA and a certificate it signed for 127.0.0.1 (the openssl CLI), for
// `licet serve --tls-cert/--tls-key`. Clients trust it only through their ca_file.
class TestCa {
 public:
  TestCa() {
    std::ofstream(dir_ / "leaf.ext") << "basicConstraints=CA:FALSE\n"
                                        "extendedKeyUsage=serverAuth\n"
                                        "subjectAltName=IP:127.0.0.1\n";
    const std::vector<std::vector<std::string>> steps = {
        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", path("ca.key"), "-out", ca_file(), "-days", "2", "-subj", "/CN=licet test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign"},
        {"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         key(), "-out", path("leaf.csr"), "-subj", "/CN=127.0.0.1"},
        {"x509", "-req", "-in", path("leaf.csr"), "-CA", ca_file(), "-CAkey", path("ca.key"),
         "-CAcreateserial", "-out", cert(), "-days", "2", "-extfile", path("leaf.ext")},
    };
    for (const auto& args : steps) {
      const auto r = run_process("/usr/bin/openssl", args);
      if (r.exit_code != 0) throw std::runtime_error("openssl " + args[0] + ": " + r.err);
    }
  }
  std::string ca_file() const { return path("ca.pem"); }
  std::string cert() const { return path("leaf.pem"); }  // the server's certificate
  std::string key() const { return path("leaf.key"); }
  std::vector<std::string> serve_args() const { return {"--tls-cert", cert(), "--tls-key", key()}; }

 private:
  std::string path(const char* name) const { return (dir_.path() / name).string(); }
  TempDir dir_;
};

}  // namespace licet::test
