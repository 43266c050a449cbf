// The strict JSON reader every outside document goes through (claims, footers, request bodies,
// state files): the byte-level rules RapidJSON alone does not enforce.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "licet/common/json.hpp"

namespace licet {
namespace {

const std::string kDoc = R"({"a":1,"b":"x"})";

void expect_malformed(std::string_view text, std::string_view mentions) {
  auto r = json::parse_object(text);
  ASSERT_FALSE(r.ok()) << "accepted: " << testing::PrintToString(std::string(text));
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
}

TEST(StrictJson, AcceptsAnObjectWithSurroundingWhitespace) {
  auto r = json::parse_object(" \t\r\n" + kDoc + " \n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["a"].GetInt(), 1);
}

TEST(StrictJson, RefusesAByteOrderMark) {
  expect_malformed("\xEF\xBB\xBF" + kDoc, "byte-order mark");
}

// RapidJSON's UTF-8 memory stream drops each of EF, BB, BF at the start on its own.
TEST(StrictJson, RefusesAStrayBomByteAtTheStart) {
  for (const char* lead : {"\xEF", "\xBB", "\xBF", "\xEF\xBB", "\xBB\xBF"}) {
    expect_malformed(std::string(lead) + kDoc, "invalid JSON at byte 0");
  }
}

TEST(StrictJson, RefusesANulByteAnywhereAndSaysWhere) {
  expect_malformed(kDoc + std::string(1, '\0'), "byte 15: a NUL byte");
  expect_malformed(kDoc + std::string(1, '\0') + R"({"a":2} ]] garbage)", "byte 15: a NUL byte");
  expect_malformed(std::string(1, '\0') + kDoc, "byte 0: a NUL byte");
  std::string inside = kDoc;
  inside[12] = '\0';  // inside the string "x"
  expect_malformed(inside, "byte 12: a NUL byte");
  expect_malformed(kDoc + " " + std::string(1, '\0'), "byte 16: a NUL byte");
}

TEST(StrictJson, RefusesTextAfterTheDocument) {
  expect_malformed(kDoc + "x", "invalid JSON at byte 15");
  expect_malformed(kDoc + kDoc, "invalid JSON at byte 15");
}

}  // namespace
}  // namespace licet
