#include "capi_testkit.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "licet/common/armor.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::testkit {

Vendor Vendor::create() {
  SecretKey secret = paserk::generate_secret_key();
  const PublicKey pub = secret.public_key();
  return Vendor{std::move(secret), paserk::to_public(pub), paserk::pid(pub)};
}

std::string Vendor::token(const Claims& claims) const {
  return paseto::sign(claims_to_json(claims), secret, R"({"kid":")" + pid + R"("})");
}

std::string Vendor::license_file(const Claims& claims) const {
  return armor::write(token(claims), {"test license for " + claims.aud});
}

Claims base_claims(std::string product, UnixTime now) {
  Claims c;
  c.iss = "acme";
  c.sub = "ada@example.com";
  c.aud = std::move(product);
  c.jti = "tok-1";
  c.lic = license_key::generate("MOSTAGARE");
  c.rev = 1;
  c.iat = now - 3600;
  c.seats = 1;
  return c;
}

std::string tamper_signature(std::string_view token) {
  const std::string_view header = paseto::kHeader;
  std::string_view rest = token.substr(header.size());
  const auto dot = rest.find('.');
  const std::string_view body_b64 = rest.substr(0, dot);
  auto body = b64url_decode(body_b64);
  if (!body || body->empty()) throw std::runtime_error("tamper_signature: not a token");
  body->back() ^= 0x01;
  std::string out(header);
  out += b64url_encode(*body);
  if (dot != std::string_view::npos) out += rest.substr(dot);
  return out;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "licet-capi-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, std::string_view text) const {
  const auto p = path_ / name;
  std::ofstream f(p, std::ios::binary);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f) throw std::runtime_error("cannot write " + p.string());
  return p.string();
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env, std::string_view input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Small inputs only (a license file): fits the pipe buffer, so writing first cannot block.
  if (!input.empty() && write(in_pipe[1], input.data(), input.size()) < 0) {
    throw std::runtime_error("write to child failed");
  }
  close(in_pipe[1]);

  ProcessResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void write_standard_cases(const std::filesystem::path& dir, const std::string& product,
                          UnixTime now) {
  constexpr UnixTime kDay = 86400;
  const Vendor vendor = Vendor::create();
  const Vendor stranger = Vendor::create();
  auto put = [&](const std::string& name, const std::string& text) {
    auto s = write_file_atomic(dir / name, text);
    if (!s) throw std::runtime_error(s.error().message);
  };
  put("public.k4", vendor.public_key + "\n");

  Claims valid = base_claims(product, now);
  valid.exp = now + 30 * kDay;
  valid.features = {"export", "pro"};
  valid.meta = {{"order", "1001"}};
  put("valid.lic", vendor.license_file(valid));
  put("perpetual.lic", vendor.license_file(base_claims(product, now)));

  Claims expired = base_claims(product, now);
  expired.iat = now - 60 * kDay;
  expired.exp = now - 2 * kDay;
  put("expired.lic", vendor.license_file(expired));

  Claims later = base_claims(product, now);
  later.nbf = now + 10 * kDay;
  put("not_yet_valid.lic", vendor.license_file(later));

  Claims maint = base_claims(product, now);
  maint.maint = 1735689600;  // 2025-01-01, before the examples' release date (2026-01-01)
  put("maintenance.lic", vendor.license_file(maint));

  Claims future = base_claims(product, now);
  future.iat = now + 10 * kDay;
  put("clock.lic", vendor.license_file(future));

  put("wrong_product.lic", vendor.license_file(base_claims(product + "-other", now)));

  Claims locked = base_claims(product, now);
  locked.devices = std::vector<std::string>{"other-device"};
  put("device.lic", vendor.license_file(locked));

  put("bad_signature.lic", armor::write(tamper_signature(vendor.token(valid))));
  put("unknown_key.lic", stranger.license_file(valid));
  put("malformed.lic", "this is not a license\n");

  // valid.lic's signature check as raw bytes, for bench/raw_verify_process.c:
  // public key (32) || signature (64) || PASETO pre-authentication encoding of the message.
  auto parsed = paseto::parse(vendor.token(valid));
  if (!parsed) throw std::runtime_error(parsed.error().message);
  const PublicKey pub = vendor.secret.public_key();
  std::string raw(reinterpret_cast<const char*>(pub.bytes.data()), pub.bytes.size());
  raw.append(reinterpret_cast<const char*>(parsed->signature.data()), parsed->signature.size());
  const Bytes m2 = pae({paseto::kHeader, parsed->payload, parsed->footer, ""});
  raw.append(reinterpret_cast<const char*>(m2.data()), m2.size());
  put("raw_verify.bin", raw);
}

}  // namespace licet::testkit
