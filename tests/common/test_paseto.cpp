// v4.public sign/verify beyond the official vectors: tampering, truncation, wrong keys, limits.
#include <gtest/gtest.h>

#include "licet/common/base64.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/paseto.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

struct Fixture : testing::Test {
  SecretKey sk = test::key_from_seed(1);
  PublicKey pk = sk.public_key();
  std::string payload = claims_to_json(test::sample_claims());
  std::string footer = R"({"kid":"k4.pid.example"})";
  std::string token = paseto::sign(payload, sk, footer);
};

using Token = Fixture;

TEST_F(Token, RoundTrip) {
  auto r = paseto::verify(token, pk);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload, payload);
  EXPECT_EQ(r->footer, footer);
  EXPECT_EQ(token.rfind("v4.public.", 0), 0u);
}

TEST_F(Token, NoFooterMeansNoFooterSegment) {
  const std::string t = paseto::sign(payload, sk);
  EXPECT_EQ(t.find('.', paseto::kHeader.size()), std::string::npos);
  auto r = paseto::verify(t, pk);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->footer, "");
}

// Every single-character substitution (by any base64url character or '.') and every deletion,
// anywhere in the token, header included, must be rejected.
TEST_F(Token, EverySingleCharacterChangeIsRejected) {
  std::size_t tried = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == token[i]) continue;
      std::string t = token;
      t[i] = c;
      ++tried;
      ASSERT_FALSE(paseto::verify(t, pk).ok()) << "accepted substitution at " << i << ": " << t;
    }
    std::string t = token;
    t.erase(i, 1);
    ++tried;
    ASSERT_FALSE(paseto::verify(t, pk).ok()) << "accepted deletion at " << i;
  }
  EXPECT_EQ(tried, token.size() * kAlphabet.size());
}

TEST_F(Token, NonAsciiBytesAnywhereAreRejected) {
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : {'\x80', '\xC3', '\xFF', '\0', '=', ' ', '+', '/'}) {
      std::string t = token;
      t[i] = c;
      ASSERT_FALSE(paseto::verify(t, pk).ok()) << "accepted byte " << int(c) << " at " << i;
    }
  }
}

TEST_F(Token, WrongKeyIsBadSignature) {
  const PublicKey other = test::key_from_seed(2).public_key();
  auto r = paseto::verify(token, other);
  EXPECT_EQ(r.code(), ErrorCode::bad_signature);
}

TEST_F(Token, ImplicitAssertionMustMatch) {
  const std::string t = paseto::sign(payload, sk, footer, "tenant-1");
  EXPECT_TRUE(paseto::verify(t, pk, "tenant-1").ok());
  EXPECT_EQ(paseto::verify(t, pk).code(), ErrorCode::bad_signature);
  EXPECT_EQ(paseto::verify(token, pk, "tenant-1").code(), ErrorCode::bad_signature);
}

TEST_F(Token, EveryTruncationIsRejected) {
  for (std::size_t n = 0; n < token.size(); ++n) {
    ASSERT_FALSE(paseto::verify(token.substr(0, n), pk).ok()) << "accepted prefix of length " << n;
  }
}

TEST_F(Token, PaddingIsMalformed) {
  const auto dot = token.find('.', paseto::kHeader.size());
  for (const std::string& t :
       {token + "=", token + "==", token.substr(0, dot) + "=" + token.substr(dot),
        token.substr(0, dot) + "==" + token.substr(dot)}) {
    auto r = paseto::verify(t, pk);
    EXPECT_EQ(r.code(), ErrorCode::malformed) << t;
  }
}

// A token whose last body character carries non-zero unused bits decodes to the same bytes under
// a lax decoder; the strict decoder refuses it before any signature check.
TEST_F(Token, NonCanonicalBase64IsMalformed) {
  std::string pl = payload;
  while ((pl.size() + paseto::kSignatureSize) % 3 == 0) pl += ' ';  // leave unused bits at the end
  const std::string tok = paseto::sign(pl, sk);  // no footer: the body ends the token
  const std::string_view b64 = kAlphabet.substr(0, 64);
  const auto last = b64.find(tok.back());
  ASSERT_NE(last, std::string_view::npos);
  std::string bad = tok;
  bad.back() = b64[last | 1];  // set the lowest unused bit
  ASSERT_NE(bad, tok);
  auto r = paseto::verify(bad, pk);
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("base64url"), std::string::npos) << r.error().message;
  EXPECT_TRUE(paseto::verify(tok, pk).ok());
}

TEST_F(Token, SegmentRules) {
  EXPECT_EQ(paseto::verify(token + ".", pk).code(), ErrorCode::malformed);
  EXPECT_EQ(paseto::verify(token + ".e30", pk).code(), ErrorCode::malformed);
  const std::string no_footer = paseto::sign(payload, sk);
  auto r = paseto::verify(no_footer + ".", pk);
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("empty footer"), std::string::npos);
  EXPECT_EQ(paseto::verify("v4.public.", pk).code(), ErrorCode::malformed);
  // A body shorter than a signature.
  EXPECT_EQ(paseto::verify("v4.public." + b64url_encode(std::string(63, 'x')), pk).code(),
            ErrorCode::malformed);
}

TEST_F(Token, OtherVersionsAndPurposesAreMalformed) {
  const std::string rest = token.substr(paseto::kHeader.size());
  for (std::string_view header : {"v4.local.", "v3.public.", "v2.public.", "V4.public.",
                                  "v4.Public.", "v4.public:", "", "v4public."}) {
    auto r = paseto::verify(std::string(header) + rest, pk);
    EXPECT_EQ(r.code(), ErrorCode::malformed) << header;
  }
}

TEST_F(Token, OversizedTokenIsRefusedBeforeDecoding) {
  const std::string big = paseto::sign(std::string(50 * 1024, 'a'), sk);
  ASSERT_GT(big.size(), paseto::kMaxTokenSize);
  auto r = paseto::verify(big, pk);
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("64 KiB"), std::string::npos);
  // Just below the limit is fine.
  const std::string fits = paseto::sign(std::string(40 * 1024, 'a'), sk);
  ASSERT_LE(fits.size(), paseto::kMaxTokenSize);
  EXPECT_TRUE(paseto::verify(fits, pk).ok());
}

TEST_F(Token, ParseSplitsWithoutCrypto) {
  auto p = paseto::parse(token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payload, payload);
  EXPECT_EQ(p->footer, footer);
  EXPECT_TRUE(paseto::verify_signature(*p, pk).ok());
  auto tampered = *p;
  tampered.payload[0] = ' ';
  EXPECT_EQ(paseto::verify_signature(tampered, pk).code(), ErrorCode::bad_signature);
  tampered = *p;
  tampered.footer += ' ';
  EXPECT_EQ(paseto::verify_signature(tampered, pk).code(), ErrorCode::bad_signature);
  tampered = *p;
  tampered.signature[10] ^= 1;
  EXPECT_EQ(paseto::verify_signature(tampered, pk).code(), ErrorCode::bad_signature);
}

}  // namespace
}  // namespace licet
