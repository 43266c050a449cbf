// RFC 3339 in (offsets, fractions, calendar checks) and UTC "Z" out; CLI dates and durations.
#include <gtest/gtest.h>

#include "licet/common/time.hpp"

namespace licet {
namespace {

constexpr UnixTime k2024 = 1704067200;  // 2024-01-01T00:00:00Z

TEST(Rfc3339, OffsetsAndFractionsLocateTheInstant) {
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00Z"), k2024);
  EXPECT_EQ(parse_rfc3339("2024-01-01T01:00:00.999+01:00"), k2024);
  EXPECT_EQ(parse_rfc3339("2023-12-31T18:30:00-05:30"), k2024);
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00+00:00"), k2024);
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00-00:00"), k2024);
  EXPECT_EQ(parse_rfc3339("2024-01-01T00:00:00.000000001Z"), k2024);
  EXPECT_EQ(parse_rfc3339("2023-12-31T23:59:59.999999Z"), k2024 - 1);
  EXPECT_EQ(parse_rfc3339("2022-01-01T00:00:00+00:00"), 1640995200);  // the vectors' exp
}

TEST(Rfc3339, CalendarIsChecked) {
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1709164800);  // leap year
  for (std::string_view bad :
       {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z",
        "2024-02-30T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T24:00:00Z",
        "1900-02-29T00:00:00Z", "0000-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Rfc3339, SyntaxIsStrict) {
  for (std::string_view bad :
       {"2024-01-01t00:00:00Z", "2024-01-01T00:00:00z", "2024-01-01 00:00:00Z",
        "2024-01-01T00:00:00", "2024-01-01T00:00:00+0100", "2024-01-01T00:00:00+01",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Z ", " 2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+01:60", "2024-1-01T00:00:00Z",
        "2024-01-01T0:00:00Z", "2024-01-01", "", "2024-01-01T00:00:00ZZ", "+2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00.5"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Rfc3339, FormatIsUtcZWithoutFractions) {
  EXPECT_EQ(format_rfc3339(k2024), "2024-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(kMinTime), "0001-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(kMaxTime), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-07-04T12:34:56.789-07:00")),
            "2024-07-04T19:34:56Z");
}

TEST(Rfc3339, FormatThenParseIsIdentity) {
  for (UnixTime t = kMinTime; t < kMaxTime; t += 7777777 + 13) {
    const auto back = parse_rfc3339(format_rfc3339(t));
    ASSERT_TRUE(back) << t;
    ASSERT_EQ(*back, t);
  }
}

TEST(ParseDate, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(parse_date("2024-01-01"), k2024);
  EXPECT_EQ(parse_date("2024-01-01T00:00:00Z"), k2024);
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2024-1-1"));
  EXPECT_FALSE(parse_date("01/01/2024"));
}

TEST(ParseDuration, UnitsAndBounds) {
  EXPECT_EQ(parse_duration("90"), 90);
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("5m"), 300);
  EXPECT_EQ(parse_duration("2h"), 7200);
  EXPECT_EQ(parse_duration("3d"), 3 * 86400);
  EXPECT_EQ(parse_duration("0"), 0);
  for (std::string_view bad : {"", "m", "-1", "-1d", "1x", "1.5h", " 1", "1 ", "1dd",
                               "9223372036854775807d", "99999999999999999999"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
  EXPECT_EQ(parse_duration("9223372036854775807"), INT64_MAX);
}

}  // namespace
}  // namespace licet
