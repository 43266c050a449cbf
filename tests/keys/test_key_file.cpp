// Key files: secret files are 0600 and refused when group or others may read them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "licet/keys/key_file.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet::keys {
namespace {

namespace fs = std::filesystem;

struct KeyFile : testing::Test {
  fs::path dir;
  std::string secret = paserk::to_secret(paserk::generate_secret_key());
  void SetUp() override {
    char tmpl[] = "/tmp/licet-keyfile-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }
  static unsigned mode_of(const fs::path& p) {
    struct stat sb {};
    EXPECT_EQ(::stat(p.c_str(), &sb), 0);
    return sb.st_mode & 07777;
  }
};

TEST_F(KeyFile, SecretIsWrittenWithMode0600) {
  const mode_t old = ::umask(0);  // a permissive umask must not widen the file
  auto st = write_secret_file(dir / "signing.key", secret);
  ::umask(old);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(mode_of(dir / "signing.key"), 0600u);
  EXPECT_EQ(test::read_text((dir / "signing.key").string()), secret + "\n");
  auto r = read_secret_file(dir / "signing.key");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, secret);
}

TEST_F(KeyFile, GroupOrWorldReadableSecretIsRefused) {
  ASSERT_TRUE(write_secret_file(dir / "k", secret).ok());
  for (unsigned mode : {0640u, 0604u, 0660u, 0644u, 0610u, 0601u}) {
    ASSERT_EQ(::chmod((dir / "k").c_str(), mode), 0);
    auto r = read_secret_file(dir / "k");
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.code(), ErrorCode::io_error);
    EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
  }
  for (unsigned mode : {0600u, 0400u}) {
    ASSERT_EQ(::chmod((dir / "k").c_str(), mode), 0);
    EXPECT_TRUE(read_secret_file(dir / "k").ok()) << std::oct << mode;
  }
}

TEST_F(KeyFile, PublicFileAndWhitespace) {
  const std::string pub = paserk::to_public(paserk::generate_secret_key().public_key());
  ASSERT_TRUE(write_public_file(dir / "pub", pub).ok());
  EXPECT_EQ(mode_of(dir / "pub"), 0644u);
  EXPECT_EQ(read_public_file(dir / "pub").value(), pub);
  { std::ofstream(dir / "pub2") << "\r\n  " << pub << " \r\n\n"; }
  EXPECT_EQ(read_public_file(dir / "pub2").value(), pub);
}

TEST_F(KeyFile, MissingAndOversizedFiles) {
  EXPECT_EQ(read_secret_file(dir / "missing").code(), ErrorCode::io_error);
  EXPECT_EQ(read_public_file(dir / "missing").code(), ErrorCode::io_error);
  { std::ofstream(dir / "big") << std::string(100000, 'k'); }
  EXPECT_EQ(read_public_file(dir / "big").code(), ErrorCode::io_error);
}

TEST_F(KeyFile, OverwriteKeepsMode0600) {
  ASSERT_TRUE(write_public_file(dir / "k", "old").ok());
  ASSERT_EQ(mode_of(dir / "k"), 0644u);
  ASSERT_TRUE(write_secret_file(dir / "k", secret).ok());
  EXPECT_EQ(mode_of(dir / "k"), 0600u);
}

}  // namespace
}  // namespace licet::keys
