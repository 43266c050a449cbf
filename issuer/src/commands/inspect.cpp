// licet inspect FILE: decode any license file, check its signature with this ledger's keys and
// say where it stands in the ledger (current, superseded, revoked, unknown).
#include <fmt/core.h>
#include <fmt/format.h>

#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/paserk.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

// Exit code when the file decodes but is not a valid license of this ledger (1: could not run).
constexpr int kExitNotValid = 2;

struct Report {
  std::string file;
  std::optional<std::string> footer, kid, payload;
  std::string key_state = "unknown";    // active | verifying | retired | unknown
  std::string signature = "unchecked";  // valid | invalid | unchecked
  std::optional<Claims> claims;
  std::optional<std::string> claims_error;
  std::string ledger_state = "unknown";  // current | older | superseded | revoked | unknown
  std::optional<std::int64_t> current_revision, superseded_below;
  bool valid = false;
  std::string verdict;  // one line
};

void check_signature(Db& db, const paseto::Parsed& parsed, Report& r) {
  if (!r.kid) {
    r.verdict = "the footer names no signing key (kid)";
    return;
  }
  auto st = db.prepare("SELECT public_key, state FROM signing_keys WHERE pid = ?");
  st.bind(1, *r.kid);
  if (!st.step()) {
    r.verdict = "signed by a key this ledger does not know (" + *r.kid + ")";
    return;
  }
  r.key_state = st.text(1);
  if (r.key_state == "retired") {
    r.verdict = "signed by a retired key (" + *r.kid + "); verifiers no longer trust it";
    return;
  }
  auto key = paserk::parse_public(st.text(0));
  if (!key) throw CliError("the ledger's public key " + *r.kid + " is unreadable");
  const Status ok = paseto::verify_signature(parsed, *key);
  r.signature = ok ? "valid" : "invalid";
  if (!ok) r.verdict = "bad signature: the file was altered or not signed by " + *r.kid;
}

void check_ledger(Db& db, Report& r) {
  const Claims& c = *r.claims;
  auto lic = view::find_license(db, c.lic);
  auto tok = db.prepare(
      "SELECT l.license_key, t.revision FROM tokens t JOIN licenses l ON "
      "l.id = t.license_id WHERE t.jti = ?");
  tok.bind(1, c.jti);
  if (!lic || !tok.step() || tok.text(0) != c.lic || tok.int64(1) != c.rev) {
    r.verdict = "unknown to this ledger (no token " + c.jti + " for license " + c.lic + ")";
    return;
  }
  r.current_revision = lic->revision;
  r.superseded_below = lic->superseded_below;
  const auto now = system_now();
  if (lic->stored_status == "revoked") {
    r.ledger_state = "revoked";
    r.verdict = "license " + c.lic + " is revoked" +
                (lic->revoked_reason ? " (" + *lic->revoked_reason + ")" : "");
  } else if (c.rev < lic->superseded_below) {
    r.ledger_state = "superseded";
    r.verdict = fmt::format("superseded: revision {} is void (revisions below {} are superseded)",
                            c.rev, lic->superseded_below);
  } else if (c.rev < lic->revision) {
    r.ledger_state = "older";
    r.verdict = fmt::format("superseded: revision {} of {}; the current revision is {}", c.rev,
                            c.lic, lic->revision);
  } else if (c.exp && *c.exp <= now) {
    r.ledger_state = "current";
    r.verdict = "expired on " + format_rfc3339(*c.exp);
  } else {
    r.ledger_state = "current";
    r.valid = true;
    r.verdict = fmt::format("valid: the current revision ({}) of {}", c.rev, c.lic);
  }
}

Report inspect(Db& db, const std::string& file) {
  Report r;
  r.file = file;
  auto text = read_file(file, armor::kMaxFileBytes);
  if (!text) throw CliError("cannot read " + file + ": " + text.error().message);
  auto lf = armor::read(*text);
  if (!lf) {
    r.verdict = "not a license file: " + lf.error().message;
    return r;
  }
  auto parsed = paseto::parse(lf->token);
  if (!parsed) {
    r.verdict = "malformed token: " + parsed.error().message;
    return r;
  }
  r.payload = parsed->payload;
  if (!parsed->footer.empty()) {
    r.footer = parsed->footer;
    auto doc = json::parse_object(parsed->footer, json::Limits{4096, 2});
    if (doc && doc->HasMember("kid") && (*doc)["kid"].IsString()) {
      r.kid = std::string((*doc)["kid"].GetString(), (*doc)["kid"].GetStringLength());
    }
  }
  auto claims = claims_from_json(parsed->payload);
  if (claims) {
    r.claims = std::move(*claims);
  } else {
    r.claims_error = claims.error().message;
  }
  check_signature(db, *parsed, r);
  if (r.signature != "valid") return r;
  if (!r.claims) {
    r.verdict = "signed, but the claims are malformed: " + *r.claims_error;
    return r;
  }
  check_ledger(db, r);
  return r;
}

void print_json(const Report& r) {
  rapidjson::StringBuffer buf;
  view::JsonWriter w(buf);
  w.StartObject();
  w.Key("file");
  w.String(r.file.c_str());
  w.Key("header");
  w.String(r.payload ? "v4.public" : "");
  w.Key("footer");
  view::json_raw(w, r.footer);
  w.Key("kid");
  view::json_opt_string(w, r.kid);
  w.Key("key_state");
  w.String(r.key_state.c_str());
  w.Key("signature");
  w.String(r.signature.c_str());
  w.Key("verified");
  w.Bool(r.signature == "valid");
  w.Key("claims");
  view::json_raw(w, r.payload);
  w.Key("claims_error");
  view::json_opt_string(w, r.claims_error);
  w.Key("ledger");
  w.StartObject();
  w.Key("state");
  w.String(r.ledger_state.c_str());
  w.Key("current_revision");
  r.current_revision ? w.Int64(*r.current_revision) : w.Null();
  w.Key("superseded_below");
  r.superseded_below ? w.Int64(*r.superseded_below) : w.Null();
  w.EndObject();
  w.Key("valid");
  w.Bool(r.valid);
  w.Key("verdict");
  w.String(r.verdict.c_str());
  w.EndObject();
  fmt::print("{}\n", buf.GetString());
}

void print_text(const Report& r) {
  fmt::print("File        {}\n", r.file);
  if (!r.payload) {
    fmt::print("Verdict     NOT VALID: {}\n", r.verdict);
    return;
  }
  fmt::print("Header      v4.public\n");
  fmt::print("Footer      {}\n", r.footer.value_or("(none)"));
  fmt::print("Key         {} ({})\n", r.kid.value_or("(none)"),
             r.key_state == "unknown" ? "not in this ledger" : r.key_state + " key of this ledger");
  fmt::print("Signature   {}\n", r.signature == "valid"     ? "valid"
                                 : r.signature == "invalid" ? "INVALID"
                                                            : "not checked");
  const bool verified = r.signature == "valid";
  fmt::print("Claims{}\n", verified ? "" : "      UNVERIFIED — do not trust anything below");
  if (r.claims) {
    const Claims& c = *r.claims;
    fmt::print("  license   {} (revision {})\n", c.lic, c.rev);
    fmt::print("  product   {}\n", c.aud);
    fmt::print("  customer  {}\n", c.sub);
    fmt::print("  vendor    {}\n", c.iss);
    fmt::print("  seats     {}\n", c.seats);
    fmt::print("  issued    {}\n", format_rfc3339(c.iat));
    fmt::print("  expires   {}\n", c.exp ? format_rfc3339(*c.exp) : "never (perpetual)");
    if (c.devices) fmt::print("  devices   {}\n", fmt::format("{}", fmt::join(*c.devices, ", ")));
    fmt::print("  jti       {}\n", c.jti);
  } else {
    fmt::print("  malformed claims ({}): {}\n", r.claims_error.value_or(""), *r.payload);
  }
  fmt::print("Verdict     {}{}\n", r.valid ? "" : "NOT VALID: ", r.verdict);
}

void run_inspect(Context& ctx, const std::string& file) {
  Db db = view::open_for_reading(ctx);
  const Report r = inspect(db, file);
  if (ctx.json) {
    print_json(r);
  } else {
    print_text(r);
  }
  if (!r.valid) throw CliError(file + ": " + r.verdict, kExitNotValid);
}

}  // namespace

void add_inspect_command(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "inspect", "Decode a license file and check it against this ledger (exit 2 if not valid)");
  cmd->add_option("FILE", *file, "License file")->required();
  cmd->callback([&ctx, file] { run_inspect(ctx, *file); });
}

}  // namespace licet::issuer
