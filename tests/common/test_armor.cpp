// License file armor: the canonical writer and the lenient (but never sloppy) reader.
#include <gtest/gtest.h>

#include "licet/common/armor.hpp"
#include "licet/common/paseto.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

struct Armor : testing::Test {
  SecretKey sk = test::key_from_seed(7);
  std::string token = paseto::sign(claims_to_json(test::sample_claims()), sk, R"({"kid":"x"})");
  std::string begin = std::string(armor::kBegin);
  std::string end = std::string(armor::kEnd);

  std::string wrapped(std::size_t width, std::string_view eol) const {
    std::string out;
    for (std::size_t i = 0; i < token.size(); i += width) {
      out += token.substr(i, width);
      out += eol;
    }
    return out;
  }

  void expect_token(std::string_view text) const {
    auto r = armor::read(text);
    ASSERT_TRUE(r.ok()) << r.error().message << "\n" << text;
    EXPECT_EQ(r->token, token);
  }

  void expect_malformed(std::string_view text, std::string_view mentions) const {
    auto r = armor::read(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.code(), ErrorCode::malformed);
    EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
  }
};

TEST_F(Armor, CanonicalWriteForm) {
  const std::string text = armor::write(token, {"licensed to Jane", "line\nbreak"});
  const std::string expect = "# licensed to Jane\n# line break\n" + begin + "\n" +
                             wrapped(armor::kLineWidth, "\n") + end + "\n";
  EXPECT_EQ(text, expect);
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    ASSERT_NE(nl, std::string::npos) << "every line ends with LF";
    EXPECT_LE(nl - start, std::max<std::size_t>(armor::kLineWidth, end.size()));
    start = nl + 1;
  }
}

TEST_F(Armor, WriteReadRoundTrip) {
  auto r = armor::read(armor::write(token, {"licensed to Jane", "seats: 3"}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->token, token);
  EXPECT_EQ(r->comments, (std::vector<std::string>{"licensed to Jane", "seats: 3"}));
  // A token whose length is an exact multiple of the line width.
  const std::string exact = token.substr(0, 2 * armor::kLineWidth);
  auto r2 = armor::read(armor::write(exact));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->token, exact);
}

TEST_F(Armor, CrlfAndWrappingAnywhere) {
  expect_token(begin + "\r\n" + wrapped(64, "\r\n") + end + "\r\n");
  expect_token(begin + "\n" + wrapped(1, "\n") + end);
  expect_token(begin + "\n" + wrapped(76, "\n") + end + "\n");
  expect_token(begin + "\n" + token + "\n" + end + "\n");
  expect_token(begin + "\n" + wrapped(50, "  \t\n") + end + "\n");  // trailing spaces
}

TEST_F(Armor, CommentsBlankLinesAndBom) {
  const std::string body = begin + "\n" + wrapped(64, "\n") + end + "\n";
  expect_token("\xEF\xBB\xBF" + body);
  expect_token("\n\n  \n" + body + "\n\n \n");
  expect_token(begin + "\n\n" + wrapped(64, "\n\n") + end + "\n");
  auto r = armor::read("# one\n#two\n\n#   three  \n" + body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->comments, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r->token, token);
}

// Found by fuzz_armor: a CR inside a comment line must read back the same after a rewrite.
TEST_F(Armor, CommentWithInnerCarriageReturnIsStableAcrossRewrite) {
  const std::string body = begin + "\n" + token + "\n" + end + "\n";
  auto r = armor::read("# a\r\rb\r\n" + body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->comments, (std::vector<std::string>{"a  b"}));
  auto again = armor::read(armor::write(r->token, r->comments));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->comments, r->comments);
}

TEST_F(Armor, BareToken) {
  expect_token(token);
  expect_token(token + "\n");
  expect_token(
      "\xEF\xBB\xBF"
      "\r\n" +
      token + "\r\n\r\n");
  expect_malformed(token + "\nextra\n", "after the license");
  expect_malformed(token + " x", "invalid character");
}

TEST_F(Armor, GarbageBeforeOrAfter) {
  const std::string body = begin + "\n" + wrapped(64, "\n") + end + "\n";
  expect_malformed("Hello Jane, here is your license:\n" + body, "before the BEGIN");
  expect_malformed(body + "Regards\n", "after the license");
  expect_malformed(body + body, "after the license");
  expect_malformed(begin + "\n" + token + "\n# comment inside\n" + end + "\n", "invalid character");
  expect_malformed(begin + "\n" + token.substr(0, 20) + " " + token.substr(20) + "\n" + end,
                   "invalid character");
}

TEST_F(Armor, MissingOrEmptyParts) {
  expect_malformed(begin + "\n" + wrapped(64, "\n"), "missing END");
  expect_malformed(wrapped(64, "\n") + end + "\n", "");
  expect_malformed(begin + "\n" + end + "\n", "empty");
  expect_malformed("", "not a license file");
  expect_malformed("# only a comment\n", "not a license file");
  expect_malformed("-----BEGIN PGP MESSAGE-----\n" + token + "\n-----END PGP MESSAGE-----\n",
                   "before the BEGIN");
}

TEST_F(Armor, OversizedFileIsRefused) {
  const std::string big = begin + "\n" + std::string(armor::kMaxFileBytes, 'A') + "\n" + end + "\n";
  expect_malformed(big, "2 MiB");
}

}  // namespace
}  // namespace licet
