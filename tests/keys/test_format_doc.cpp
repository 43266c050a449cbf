// docs/FORMAT.md carries a worked example. This test regenerates it from the fixed test key
// (Ed25519 is deterministic) and checks that every example block in the doc matches byte for
// byte and that the doc's token verifies with the doc's public key. On a mismatch the failure
// message prints the generated text to paste into the doc.
#include <gtest/gtest.h>

#include <cstring>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

// The lines of the first ``` block after "<!-- example:NAME -->", joined with "\n" (no final LF).
std::optional<std::string> example(const std::string& doc, const std::string& name) {
  const auto marker = doc.find("<!-- example:" + name + " -->");
  if (marker == std::string::npos) return std::nullopt;
  const auto fence = doc.find("```", marker);
  if (fence == std::string::npos) return std::nullopt;
  const auto start = doc.find('\n', fence);
  const auto end = doc.find("\n```", start);
  if (start == std::string::npos || end == std::string::npos) return std::nullopt;
  return doc.substr(start + 1, end - start - 1);
}

UnixTime at(const char* rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

Claims example_claims() {
  Claims c;
  c.iss = "acme";
  c.sub = "jane@example.com";
  c.aud = "mostagare";
  c.jti = "0f8e3c2a-5b7d-4e1f-9a6c-2d4b8e0f1a3c";
  c.lic = test::with_check("MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D");
  c.rev = 1;
  c.iat = at("2026-01-15T09:30:00Z");
  c.exp = at("2027-01-15T09:30:00Z");
  c.seats = 2;
  c.devices = std::vector<std::string>{"build-agent-07"};
  c.features = {"pro", "export"};
  c.maint = at("2027-01-15T00:00:00Z");
  c.sync = SyncPolicy{"https://licenses.example.com/acme/revocations", 604800};
  c.meta = {{"order", "A-10042"}};
  return c;
}

TEST(FormatDoc, WorkedExampleIsReproducibleAndVerifies) {
  // The official vector key k4.secret-2: seed 70 71 ... 8f.
  const SecretKey sk = test::key_from_seed(0x70);
  const Claims claims = example_claims();
  const std::string payload = claims_to_json(claims);
  const std::string footer = R"({"kid":")" + paserk::pid(sk.public_key()) + R"("})";
  const std::string token = paseto::sign(payload, sk, footer);
  const std::string file =
      armor::write(token, {"licet license " + claims.lic, "customer: " + claims.sub});
  const std::map<std::string, std::string> expect = {
      {"secret-key", paserk::to_secret(sk)},
      {"public-key", paserk::to_public(sk.public_key())},
      {"pid", paserk::pid(sk.public_key())},
      {"payload", payload},
      {"footer", footer},
      {"token", token},
      {"license-file", file.substr(0, file.size() - 1)},
  };

  std::string doc;
  try {
    doc = test::read_text(LICET_DOCS_DIR "/FORMAT.md");
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  for (const auto& [name, text] : expect) {
    const auto found = example(doc, name);
    if (!found) {
      ADD_FAILURE() << "docs/FORMAT.md lacks <!-- example:" << name << " -->; expected:\n" << text;
      continue;
    }
    EXPECT_EQ(*found, text) << "docs/FORMAT.md example:" << name << " is stale; expected:\n"
                            << text;
  }

  // Independently of the regeneration: the doc's own token verifies with the doc's own key.
  auto pub = paserk::parse_public(example(doc, "public-key").value_or(""));
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  auto file_in_doc = armor::read(example(doc, "license-file").value_or(""));
  ASSERT_TRUE(file_in_doc.ok()) << file_in_doc.error().message;
  auto verified = paseto::verify(file_in_doc->token, *pub);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->footer, example(doc, "footer").value_or(""));
  auto parsed = claims_from_json(verified->payload);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, claims);
}

}  // namespace
}  // namespace licet
